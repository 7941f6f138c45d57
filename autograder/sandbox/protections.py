"""What this machine allows the sandbox: bubblewrap, a uid per notebook (the sandbox says, loudly, what is missing)."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class SubordinateIds:
    """The grader user's subordinate uid and gid ranges, which newuidmap maps for a grader without root."""

    uid_start: int
    gid_start: int
    count: int

    @classmethod
    def find(cls) -> "SubordinateIds | None":
        if not (shutil.which("newuidmap") and shutil.which("newgidmap")):
            return None
        import pwd
        names = {str(os.geteuid())}
        try:
            names.add(pwd.getpwuid(os.geteuid()).pw_name)
        except KeyError:
            pass
        uids, gids = _first_range("/etc/subuid", names), _first_range("/etc/subgid", names)
        if uids is None or gids is None or min(uids[1], gids[1]) < 2:
            return None
        return cls(uids[0], gids[0], min(uids[1], gids[1]))

    def unshare_command(self) -> list[str]:
        """Run what follows as root of a new user namespace, with inner ids 1..count mapped to the ranges."""
        return ["unshare", "--map-user=0", "--map-group=0",
                f"--map-users={self.uid_start},1,{self.count}", f"--map-groups={self.gid_start},1,{self.count}", "--"]


def _first_range(path: str, names: set[str]) -> tuple[int, int] | None:
    """(start, count) of the first range of /etc/subuid or /etc/subgid that belongs to one of `names`."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.strip().split(":")
        if len(fields) == 3 and fields[0] in names and fields[1].isdigit() and fields[2].isdigit():
            return int(fields[1]), int(fields[2])
    return None


@dataclass
class Protections:
    bubblewrap: bool
    own_uid: bool
    subordinate: SubordinateIds | None = None  # the uids of a grader without root

    def missing(self) -> list[str]:
        gaps = []
        if not self.bubblewrap:
            gaps.append("bubblewrap (bwrap) is not usable here, so student code can read the course's "
                        "files (solutions, hidden tests, gradebook), write outside its scratch folder "
                        "and use the network; install Debian's 'bubblewrap'")
        if not self.own_uid:
            gaps.append("without root, and without subordinate uids for this user (Debian's 'uidmap' and a "
                        "range in /etc/subuid and /etc/subgid), every notebook runs as the grader's own "
                        "user: the process limit is only watched (not an rlimit)" + (
                            "" if self.bubblewrap else ", and files of that user are readable"))
        return gaps


def _subordinate_ids_work(ids: SubordinateIds) -> bool:
    probe = subprocess.run([*ids.unshare_command(), "bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"],
                           capture_output=True, timeout=30)
    if probe.returncode != 0:
        log.warning("subordinate uids of this user could not be mapped: %s", probe.stderr.decode(errors="replace")[:300])
    return probe.returncode == 0


def _bubblewrap_works() -> bool:
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "true"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


def protections() -> Protections:
    """What this machine allows, probed now (the sandbox probes once and says what is missing)."""
    bubblewrap = os.environ.get("KIT_NO_SANDBOX") != "1" and _bubblewrap_works()
    # Without bubblewrap's view of the filesystem another uid may not reach Python itself
    # (under /root, say), so a uid per notebook needs both.
    subordinate = SubordinateIds.find() if bubblewrap and os.geteuid() != 0 else None
    if subordinate is not None and not _subordinate_ids_work(subordinate):
        subordinate = None
    return Protections(bubblewrap=bubblewrap, own_uid=bubblewrap and (os.geteuid() == 0 or subordinate is not None),
                       subordinate=subordinate)
