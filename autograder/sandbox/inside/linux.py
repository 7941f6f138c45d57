"""The Linux calls the zygote makes through libc: prctl, unshare, mount, umount2, capset.

Python's standard library has no wrapper for them; ctypes reaches libc directly, so nothing
outside the standard library is needed inside the sandbox.
"""
import ctypes
import os

PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 36, 38, 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x08000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
MNT_DETACH = 2


def call(name, *args):
    """A libc call; OSError with errno when it fails."""
    if getattr(ctypes.CDLL(None, use_errno=True), name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def prctl(option, value):
    call("prctl", option, value, 0, 0, 0)


def unshare(flags):
    call("unshare", flags)


def mount(source, target, fstype, flags, data=None):
    call("mount", source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
         data.encode() if data else None)


def unmount(target):
    """Detach the mount at `target` (umount2 with MNT_DETACH)."""
    call("umount2", target.encode(), MNT_DETACH)


def drop_capabilities():
    """No capability survives into student code, not even through execve (ambient, bounding set)."""
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    for cap in range(64):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:  # past the last capability this kernel knows
            break


def capset_none():
    """Empty effective, permitted and inheritable capability sets (a uid in a user namespace keeps
    the capabilities bubblewrap gave the zygote until they are cleared)."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    data = (ctypes.c_uint32 * 6)()
    call("capset", header, data)
