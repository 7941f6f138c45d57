"""In a freshly forked child of the zygote: become the student's process for one notebook.

A new session; where the sandbox allows it, mount, IPC and network namespaces of its own with a
private /proc, scratch folder, /tmp and /dev/shm; the notebook's uid without capabilities;
rlimits; the submission's files and the student's environment.
"""
import os
import resource
import sys

import cgroups  # sibling files: only this folder is bound into the sandbox
import linux
import procfs

KIT_DIR = os.path.dirname(os.path.abspath(__file__))  # this folder: the files bound into the sandbox
SCRATCH = "/scratch"  # where each contained child mounts its own scratch folder (see private_mounts)


def private_mounts(disk_bytes, uid):
    """In a notebook's process, alone in its pid namespace with its init: its own mount, IPC and network namespaces,
    a /proc that shows only its own processes, and a scratch folder, /tmp and /dev/shm on a tmpfs
    of its own, which no other notebook can see and which vanishes with the namespace."""
    linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWIPC | linux.CLONE_NEWNET)
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    if os.path.isdir(cgroups.INSIDE):  # the run's cgroups are the kit's: out of the student's sight
        for name in os.listdir(cgroups.INSIDE):
            linux.unmount(f"{cgroups.INSIDE}/{name}")
    linux.mount("proc", "/proc", "proc", linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC)
    owner = "" if uid is None else f",uid={uid},gid={uid}"
    linux.mount("tmpfs", SCRATCH, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, f"size={disk_bytes},mode=0700{owner}")
    for name in ("tmp", "shm", "work"):
        os.mkdir(f"{SCRATCH}/{name}", 0o700 if name == "work" else 0o1777)
        if uid is not None:
            os.chown(f"{SCRATCH}/{name}", uid, uid)
    # What the sandbox shows under /tmp (Python in a checkout under /tmp, say) stays visible
    # under the private /tmp: the shared /tmp is kept aside, its parts bound back, then let go.
    under_tmp = sorted({path for path in (sys.prefix, sys.base_prefix, KIT_DIR) if path.startswith("/tmp/")})
    if under_tmp:
        os.mkdir(f"{SCRATCH}/shared-tmp", 0o700)
        linux.mount("/tmp", f"{SCRATCH}/shared-tmp", None, linux.MS_BIND | linux.MS_REC)
    linux.mount(f"{SCRATCH}/tmp", "/tmp", None, linux.MS_BIND)
    for path in under_tmp:
        os.makedirs(path, exist_ok=True)
        linux.mount(f"{SCRATCH}/shared-tmp/{path.removeprefix('/tmp/')}", path, None, linux.MS_BIND | linux.MS_REC)
    if under_tmp:
        linux.unmount(f"{SCRATCH}/shared-tmp")
        os.rmdir(f"{SCRATCH}/shared-tmp")
    linux.mount(f"{SCRATCH}/shm", "/dev/shm", None, linux.MS_BIND)
    linux.mount(f"{SCRATCH}/work", SCRATCH, None, linux.MS_BIND)  # last: it hides the folders above


def become_student(request, fds, contained):
    """In the forked child: a new session, namespaces and mounts of its own (when contained), the
    student's user without capabilities, limits, scratch folder, files.

    `request` is the grader's fork request, to which the zygote added "scratch": the child's
    scratch folder when it is not contained (a contained child mounts its own at SCRATCH)."""
    os.setsid()
    for fd in range(3, 1024):
        if fd not in fds:
            try:
                os.close(fd)
            except OSError:
                pass
    uid = request["uid"]
    scratch = request["scratch"]
    if contained:
        private_mounts(request["limits"]["disk_bytes"], uid)
        scratch = SCRATCH
    if contained or uid is not None:
        linux.drop_capabilities()
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    if contained:
        linux.capset_none()
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    limits = request["limits"]
    hard = {resource.RLIMIT_CPU: limits["cpu_seconds"], resource.RLIMIT_FSIZE: limits["file_bytes"],
            resource.RLIMIT_CORE: 0}
    if limits["nproc_rlimit"]:
        hard[resource.RLIMIT_NPROC] = limits["processes"]
    if limits.get("data_bytes"):
        hard[resource.RLIMIT_DATA] = procfs.data_in_use() + limits["data_bytes"]
    for kind, value in hard.items():
        # soft == hard: a process over its CPU time gets SIGKILL, so catching SIGXCPU does not help
        resource.setrlimit(kind, (value, value))
    os.chdir(scratch)
    for name, data in request["files"].items():  # each file's bytes as a uint8 tensor
        path = os.path.normpath(name)
        if path.startswith(("/", "..")):
            continue
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.numpy().tobytes())
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.update(HOME=scratch, TMPDIR=scratch, MPLCONFIGDIR=os.path.join(scratch, ".matplotlib"))
