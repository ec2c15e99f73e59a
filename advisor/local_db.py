"""The small SQLite files in the data directory (the diagnosis history, the feedback on
answers): one transaction per ``with`` block, and a schema that carries its version.

Every failure is raised as the caller's own error class, naming the file, so a damaged
or newer database is one clear line for the user, never a bare ``sqlite3`` traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class LocalDatabase:
    """One SQLite file: ``what`` names it in messages ("history", "feedback")."""

    def __init__(self, path: Path, error: type[Exception], what: str, schema: str, version: int):
        self.path = Path(path)
        self.error = error
        self.what = what
        self.schema = schema
        self.version = version

    def transaction(self) -> _Transaction:
        """A ``with`` block that is one transaction on a fresh connection."""
        try:
            # isolation_level=None: _Transaction begins and ends each transaction itself,
            # not the sqlite3 module implicitly.
            conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise self.error(f"{self.path}: cannot open the {self.what} database ({exc})") from exc
        conn.row_factory = sqlite3.Row
        return _Transaction(conn, self)

    def migrate(self) -> None:
        """Create the tables of a new file; refuse a file written by a newer advisor."""
        with self.transaction() as conn:
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found > self.version:
                raise self.error(
                    f"{self.path}: {self.what} schema {found} was written by a newer advisor; "
                    f"this one reads schema {self.version}. Upgrade the advisor."
                )
            if found == 0:
                # executescript would commit on its own; one statement at a time keeps the
                # tables and their version in one transaction.
                for statement in filter(str.strip, self.schema.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {self.version}")


class _Transaction:
    """``with`` block = one transaction that commits or rolls back, then closes the file.

    (sqlite3's own connection context manager commits but never closes.)
    """

    def __init__(self, conn: sqlite3.Connection, db: LocalDatabase):
        self.conn, self.db = conn, db

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise self.db.error(f"{self.db.path}: not a usable {self.db.what} database ({exc})") from exc
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            self.conn.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise self.db.error(f"{self.db.path}: {self.db.what} database error ({exc})") from exc
