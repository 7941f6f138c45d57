"""The keeper: how the zygote forks a notebook's process into a pid namespace of its own.

The zygote's direct child stays outside the namespace, as a small keeper: it makes the
namespace, forks an init into it (pid 1 there), which forks the notebook's process, and ends
as that process ended. When the notebook's process ends, the init does, and with it every
process of the namespace, however started.
"""
import os
import signal

import linux  # a sibling file: only this folder is bound into the sandbox


def fork_contained(cgroup=None):
    """Like fork(), but the child runs in a new pid namespace under an init (its pid 1): when
    the child ends, the init does, and with it every process of the namespace, however started.

    The zygote's direct child stays outside, as a small keeper: it makes the namespace, forks
    the init into it, waits for it and ends as the child ended. (The zygote cannot make the
    namespace itself: it could not always go back to its own for the next fork.) Returns the
    keeper's pid in the zygote, 0 in the child.
    """
    keeper = os.fork()
    if keeper != 0:
        return keeper
    try:
        if cgroup is not None:  # first: all that the notebook starts is counted there
            cgroup.enter()
        linux.unshare(linux.CLONE_NEWPID)
        child = os.fork()
    except BaseException as exc:
        os._exit(100 + (getattr(exc, "errno", 0) or 0) % 100)
    if child == 0:
        # pid 1 of the namespace, an init: the notebook's process is its child, so that it
        # gets signals as any process does (pid 1 ignores its own SIGKILL), and orphans are reaped
        try:
            child = os.fork()
        except BaseException:
            os._exit(71)
        if child == 0:
            return 0
        wait_and_mirror(child, init=True)
    wait_and_mirror(child, init=False)


def wait_and_mirror(child, init):
    """In a keeper or an init: reap whatever ends, until `child` does; then end as it ended.

    An init cannot kill itself with a signal (pid 1 ignores them), so it exits 128 + the signal,
    and the keeper turns that back into the signal."""
    for fd in range(3, 1024):
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(72)
        if pid == child:
            break
    code = os.waitstatus_to_exitcode(status)
    if init:
        os._exit(128 - code if code < 0 else code & 0xFF)
    if code < 0 or 128 < code <= 128 + 64:
        signum = -code if code < 0 else code - 128
        try:
            # SIGKILL and SIGSTOP take no handler: setting one raised, and the exception ran on in
            # this copy of the zygote, which then ended with exit code 1 ('exit code 1' where a
            # notebook was killed by SIGKILL, unless the clean-up's own kill came first)
            if signum not in (signal.SIGKILL, signal.SIGSTOP):
                signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        except (OSError, ValueError):
            pass
    os._exit(code & 0xFF)
