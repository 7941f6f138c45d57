"""JupyterHub for a course graded with the kit: system users, each with a JupyterLab of their own.

Used unchanged by CI (.ci/jupyterhub.sh copies docs/jupyterhub/ to /etc/jupyterhub/ and starts the
hub with it; tests/test_jupyterhub.py drives a course through it in Chromium); docs/jupyterhub.md is
the set-up. Start the hub as root, in the folder that keeps its state (its database and cookie
secret), from the environment with the kit's requirements.txt and its engine installed as a package
(no lesson in it: every user's server runs from it):

    cd /srv/jupyterhub && /opt/kit-hub/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py

Who may log in: the members of two Unix groups, dlf-instructors (formgrader, the course folder in
their home) and dlf-students (the Assignment List). Passwords are the system's (PAM).
"""
import os
import sys

c = get_config()  # noqa: F821 -- provided by traitlets when JupyterHub loads this file
HERE = os.path.dirname(os.path.abspath(__file__))

# On the loopback address only: put a TLS-terminating proxy (nginx, Caddy) in front of it to open
# it to the students' machines, or set ip to "" and c.JupyterHub.ssl_cert / ssl_key.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = 8000

# System users and their passwords (PAM); no session is opened through PAM (pam_systemd and
# friends are not needed to start a user's server, and fail in containers).
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"dlf-instructors", "dlf-students"}
c.PAMAuthenticator.open_sessions = False

# Each user's JupyterLab runs as that user (the hub runs as root to switch), from the same Python
# environment as the hub, in their home folder. Starting a lab with torch on a busy machine can
# take a while: give it two minutes.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(sys.prefix, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    # this environment's programs first (nbgrader, its kernels, alembic)
    "PATH": os.pathsep.join([os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
    # the folder of this file holds the nbgrader_config.py and jupyter_server_config.py of every
    # user's server (the exchange, no update check)
    "JUPYTER_CONFIG_PATH": HERE,
}
