"""One file holds the database and the uploaded files; restore puts both back (ADR 0028).

The file is a gzipped tar: ``manifest.json`` (format, engine, what it holds), the database
(``database.sqlite3`` from SQLite's online backup API, or ``database.pgdump`` from ``pg_dump
--format=custom``) and ``media/`` (attachments, knowledge files). Both database copies are one
consistent snapshot taken while the system runs; the files are copied after it, and since a file
is written before the row naming it commits and never changed after, every file the database
names is in the archive.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from helpmesh.core import clock

FORMAT, VERSION = "helpmesh-backup", 1
SQLITE_NAME, PGDUMP_NAME, MEDIA_DIR = "database.sqlite3", "database.pgdump", "media"

# Progress: called with (what is being done, units done, units in all or None).
Progress = Callable[[str, int, int | None], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    audit_events: int
    tickets: int
    media_files: int

    def as_json(self) -> bytes:
        fields = {"format": FORMAT, "version": VERSION, **self.__dict__}
        return json.dumps(fields, indent=2).encode()


def _quiet(step: str, done: int, total: int | None) -> None:
    return None


# -- backup ------------------------------------------------------------------------------------


def backup(out: Path, progress: Progress = _quiet) -> Manifest:
    """Write the database and the media folder to ``out`` (a new file; written beside, renamed)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="helpmesh-backup-", dir=out.parent) as work:
        work_dir = Path(work)
        engine = connection.vendor
        if engine == "sqlite":
            database_file = work_dir / SQLITE_NAME
            _copy_sqlite(database_file, progress)
            counts = _sqlite_counts(database_file)
        elif engine == "postgresql":
            database_file = work_dir / PGDUMP_NAME
            counts = _counts()  # before the dump: the dump holds at least these
            _pg_dump(database_file, progress)
        else:
            raise BackupError(f"cannot back up a {engine} database")
        media = _media_files()
        manifest = Manifest(
            engine=engine,
            created_at=clock.now().isoformat(),
            audit_events=counts[0],
            tickets=counts[1],
            media_files=len(media),
        )
        partial = work_dir / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", manifest.as_json())
            archive.add(database_file, arcname=database_file.name)
            for done, path in enumerate(media, start=1):
                relative = path.relative_to(settings.MEDIA_ROOT).as_posix()
                archive.add(path, arcname=f"{MEDIA_DIR}/{relative}", recursive=False)
                progress("files", done, len(media))
        os.replace(partial, out)  # a reader never sees half an archive under the final name
    return manifest


def _copy_sqlite(target: Path, progress: Progress) -> None:
    """SQLite's online backup API: a page-by-page copy that restarts if a writer interrupts."""
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:

        def report(status: int, remaining: int, total: int) -> None:
            progress("database", total - remaining, total)

        # All pages in one step: one read snapshot (writers carry on beside it under WAL),
        # where a stepwise copy would start over whenever a writer commits on a busy system.
        source.backup(copy, pages=-1, progress=report)
    finally:
        copy.close()


def _sqlite_counts(database_file: Path) -> tuple[int, int]:
    with sqlite3.connect(database_file) as copy:
        events = copy.execute("SELECT count(*) FROM core_auditevent").fetchone()[0]
        tickets = copy.execute("SELECT count(*) FROM conversations_ticket").fetchone()[0]
    return int(events), int(tickets)


def _counts() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM conversations_ticket")
        tickets = cursor.fetchone()[0]
    return int(events), int(tickets)


def _pg_dump(target: Path, progress: Progress) -> None:
    """``pg_dump --format=custom``: one REPEATABLE READ snapshot, however long it takes."""
    progress("database", 0, None)
    _run_pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    progress("database", 1, 1)


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(data), int(clock.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


# -- restore -----------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict[str, Any]:
    """The manifest of a backup file; BackupError if the file is not one."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile("manifest.json")
            manifest = json.loads(member.read()) if member else {}
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive_path}: not a helpmesh backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path}: not a helpmesh backup (no manifest)")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{archive_path}: backup format {manifest.get('version')} is unknown")
    return manifest


def occupied() -> list[str]:
    """What restoring here would overwrite: tables in the database, files in the media folder."""
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(f"the database has {len(tables)} tables")
    if _media_files():
        found.append(f"{settings.MEDIA_ROOT} holds files")
    return found


def restore(archive_path: Path, *, force: bool = False, progress: Progress = _quiet) -> dict:
    """Put a backup's database and files in place of this home's; returns its manifest.

    Refuses a database with tables or a media folder with files unless ``force`` (which
    replaces them: the database is emptied first, the media folder cleared).
    """
    manifest = read_manifest(archive_path)
    engine = connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(
            f"this backup holds a {manifest['engine']} database; HELPMESH_DATABASE_URL names "
            f"a {engine} one (restore into the same engine; see docs/reliability.md)"
        )
    in_the_way = occupied()
    if in_the_way and not force:
        raise BackupError(
            "refusing to restore over existing data (" + "; ".join(in_the_way) + "): "
            "use an empty home and database, or --force to replace them"
        )
    with tempfile.TemporaryDirectory(prefix="helpmesh-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            archive.extractall(work_dir, members=_database_member(members), filter="data")
            if engine == "sqlite":
                _restore_sqlite(work_dir / SQLITE_NAME, progress)
            else:
                _restore_postgresql(work_dir / PGDUMP_NAME, force, progress)
            _restore_media(archive, members, progress)
    return manifest


def _database_member(members: list[tarfile.TarInfo]) -> Iterator[tarfile.TarInfo]:
    return (m for m in members if m.name in (SQLITE_NAME, PGDUMP_NAME))


def _restore_sqlite(copy: Path, progress: Progress) -> None:
    connection.close()
    target = Path(settings.DATABASES["default"]["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(target)
    try:

        def report(status: int, remaining: int, total: int) -> None:
            progress("database", total - remaining, total)

        # Through the backup API, not a file copy: the target's WAL and any open reader stay
        # consistent, and whatever the target held is replaced page for page.
        source.backup(destination, pages=-1, progress=report)
    finally:
        source.close()
        destination.close()


def _restore_postgresql(dump: Path, force: bool, progress: Progress) -> None:
    progress("database", 0, None)
    connection.close()
    if force:
        _empty_postgresql()
    _run_pg("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", str(dump)])
    progress("database", 1, 1)


def _empty_postgresql() -> None:
    # --clean would leave tables the backup does not have (a newer migration): start empty.
    with connections["default"].cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connections["default"].close()


def _restore_media(
    archive: tarfile.TarFile, members: list[tarfile.TarInfo], progress: Progress
) -> None:
    root = Path(settings.MEDIA_ROOT)
    if root.exists():
        shutil.rmtree(root)  # only reached when empty or --force
    root.mkdir(parents=True)
    prefix = f"{MEDIA_DIR}/"
    files = [m for m in members if m.name.startswith(prefix) and m.isfile()]
    for done, member in enumerate(files, start=1):
        member.name = member.name.removeprefix(prefix)
        archive.extract(member, root, filter="data")  # "data" refuses paths outside root
        progress("files", done, len(files))


# -- PostgreSQL client programs ------------------------------------------------------------------


def _run_pg(program: str, args: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} not found: install the PostgreSQL client programs (Debian/Ubuntu: "
            "apt install postgresql-client), the same major version as the server or newer"
        )
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    target = ["--host", str(db.get("HOST") or "localhost"), "--port", str(db.get("PORT") or 5432)]
    target += ["--username", str(db.get("USER") or ""), "--dbname", str(db["NAME"])]
    # The program is found on PATH and the arguments come from our own settings, not a request.
    result = subprocess.run(  # noqa: S603
        [executable, *target, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
