"""The course's gradebook: where it is, and one SQLAlchemy engine per gradebook database for a whole nbgrader run.

`default_db_url(course)` is the course's gradebook.db, as nbgrader's default; `sqlite_path` is the
file of a sqlite URL.

nbgrader opens a `Gradebook` about nine times per submission, and every open builds a new
engine, connects, and checks each table of the schema: about 10 ms on sqlite, a tenth of the
time the kit needs to grade a notebook. `share_engines()` makes the first open of a database in
a process do nbgrader's whole set-up, and later opens reuse that engine and skip the schema
check. The queries, commits and session handling stay nbgrader's own.

A sqlite file that was deleted or replaced since (a new inode) is set up again, as is every
database in a forked child; an in-memory sqlite database is never shared.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbgrader import api
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import scoped_session, sessionmaker

_stock_init = api.Gradebook.__init__


def default_db_url(course) -> str:
    return f"sqlite:///{Path(course).resolve() / 'gradebook.db'}"


def sqlite_path(db_url: str) -> Path | None:
    """The file of a sqlite:/// URL, None for a server database."""
    return Path(db_url[len("sqlite:///"):]) if db_url.startswith("sqlite:///") else None
_engines: dict[tuple, Engine] = {}


def _identity(db_url: str) -> tuple | None:
    """What names one database in this process, or None when it must not be shared."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        return (os.getpid(), db_url)
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        return None
    try:
        file = os.stat(url.database)
    except OSError:
        return None
    return (os.getpid(), db_url, file.st_dev, file.st_ino)


def _open(self: api.Gradebook, db_url: str, course_id: str = "default_course",
          authenticator: api.Authenticator | None = None) -> None:
    identity = _identity(db_url)
    engine = _engines.get(identity) if identity else None
    if engine is None:
        _stock_init(self, db_url, course_id, authenticator)
        identity = _identity(db_url)  # the sqlite file exists now if this open created it
        if identity:
            _engines[identity] = self.engine
        return
    # The rest of nbgrader's Gradebook.__init__ (0.9.6) after its schema set-up.
    self.engine = engine
    self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
    self.check_course(course_id=course_id)
    self.course_id = course_id
    self.authenticator = authenticator


def share_engines() -> None:
    """Make every later `Gradebook(...)` of this process reuse its database's engine."""
    api.Gradebook.__init__ = _open
