"""The Jupyter server of every user on the hub (read from JUPYTER_CONFIG_PATH, set in jupyterhub_config.py)."""
c = get_config()  # noqa: F821 -- provided by traitlets when the server loads this file

# JupyterLab does not ask the internet for newer versions (the hub may have no way out).
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
