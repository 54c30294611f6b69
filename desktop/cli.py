"""The command line (DESIGN.md §4): the same executable opens the window or runs a command.

Exit status: 0 success, 1 bad input or a failed check (with a message saying what and where),
2 usage errors (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop import APP_NAME, __version__
from desktop.folder_lock import FolderLock
from desktop.paths import DATA_DIR_VARIABLE, database_path, resolve_data_dir
from desktop.session import (
    NewKey,
    ensure_data_folder,
    folder_key,
    has_database,
    key_for_new_database,
    open_data_folder,
    open_scratch,
)
from models.db import DATABASE_ERRORS, close_database, is_encrypted, open_database
from models.errors import KnownError, explain_database_error
from models.words import moment_text

if TYPE_CHECKING:
    from desktop.importing import ImportKind

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Options that do not go together, found after argparse has done its part."""


def build_parser() -> argparse.ArgumentParser:
    from desktop.kinds import EXPORTS, FORMATS

    parser = argparse.ArgumentParser(
        prog="rapport",
        description=(
            "Rapport: deliver, monitor and evaluate customer service to internal customers. "
            "With no command, opens the window."
        ),
        epilog=f"The data folder is --data-dir, else ${DATA_DIR_VARIABLE}, else the per-user "
        "application-data folder.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="folder that holds the database")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check what a packaged Rapport needs (keyring, encrypted database, fonts, QtPdf, "
        "a report, CSV and .xlsx), in a temporary data folder unless --data-dir is given; "
        "no window is shown",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="fill an empty data folder with a demo organisation and a year of service",
        description="Fill an empty data folder with a demo organisation and a year of service "
        "ending today. The same size and seed give the same data.",
    )
    demo.add_argument("--size", choices=("small", "large"), default="small")
    demo.add_argument("--seed", type=int, default=1, metavar="N")
    demo.add_argument(
        "--replace",
        action="store_true",
        help="delete the folder's existing database first (it cannot be undone)",
    )
    demo.set_defaults(handler=run_demo)

    summary = commands.add_parser(
        "summary",
        help="the month's monitoring figures (or a quarter's or a year's)",
        description="The monitoring figures of a month, quarter or year, as a table or as the "
        "JSON the monthly report and the Overview use.",
    )
    _period_options(summary)
    summary.add_argument("--json", action="store_true", help="print the figures as JSON")
    summary.set_defaults(handler=run_summary)

    report = commands.add_parser(
        "report",
        help="print a report to PDF: the monitoring report, or one complaint's record",
        description="Write a PDF: the monitoring and evaluation report for a month, quarter "
        "or year, or the record of one complaint.",
    )
    reports = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    monthly = reports.add_parser(
        "monthly",
        help="the monitoring and evaluation report (a month, or --quarter / --year)",
        description="The monitoring and evaluation report for a month, a quarter or a year.",
    )
    _period_options(monthly)
    monthly.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    monthly.add_argument("--prepared-by", metavar="NAME", default="", help="for the cover")
    monthly.add_argument(
        "--by-owner",
        action="store_true",
        help="add the appendix of work by owner: each member's open, overdue and finished "
        "requests, complaints and actions (it names individuals; off unless asked for)",
    )
    monthly.set_defaults(handler=run_report_monthly)
    record = reports.add_parser(
        "complaint",
        help="one complaint's record, e.g. CMP-2026-0042",
        description="Everything about one complaint: details, timeline, response and outcome.",
    )
    record.add_argument("reference", metavar="REFERENCE")
    record.add_argument("--out", metavar="FILE.pdf", type=Path, required=True)
    record.set_defaults(handler=run_report_complaint)

    check = commands.add_parser(
        "check",
        help="check the database's integrity and schema version",
        description="Run SQLite's integrity and foreign-key checks and compare the schema "
        "version; changes nothing.",
    )
    check.set_defaults(handler=run_check)

    backup = commands.add_parser(
        "backup",
        help="copy the database into the backup folder (or --to DIR)",
        description="Write a consistent copy of the database, encrypted with the same key, to "
        "the backup folder chosen in the settings (else backups/ in the data folder), or to "
        "DIR. Backups made this way are never deleted by rotation.",
    )
    backup.add_argument("--to", metavar="DIR", type=Path, help="folder to write the copy to")
    backup.set_defaults(handler=run_backup)

    restore = commands.add_parser(
        "restore",
        help="replace the database with a backup (a copy of the current data is kept first)",
        description="Check FILE, keep a backup of the current database, then replace it with "
        "FILE. Refused while the Rapport window has the data folder open.",
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="a backup (.db)")
    restore.set_defaults(handler=run_restore)

    server = commands.add_parser(
        "server",
        help="set up the team server (a PostgreSQL database) and its members' logins",
        description="Set up Rapport on a PostgreSQL database for a team: its schema, roles "
        "and policies, and a login per member. URL is a PostgreSQL URL as libpq takes it "
        "(postgresql://host:port/dbname?sslmode=...); the administrator's user and password "
        "may be in it or in PGUSER and PGPASSWORD.",
    )
    servers = server.add_subparsers(dest="server", metavar="ACTION", required=True)
    init = servers.add_parser(
        "init",
        help="create or upgrade the server's schema, roles and policies (idempotent)",
        description="Create or upgrade Rapport's schema, roles and policies; run again, it "
        "changes nothing on a current server.",
    )
    init.add_argument("--url", metavar="URL", required=True)
    init.set_defaults(handler=run_server_init)
    member = servers.add_parser(
        "add-member",
        help="a login for one member of the team",
        description="Make a login for one member of the team; the password comes from "
        f"{SYNC_PASSWORD_VARIABLE}, or is asked for.",
    )
    member.add_argument("--url", metavar="URL", required=True)
    member.add_argument("--login", metavar="LOGIN", required=True)
    member.add_argument("--name", metavar="NAME", required=True, help="as the team knows them")
    member.add_argument("--email", metavar="E", default="")
    member.add_argument(
        "--confidential",
        action="store_true",
        help="may read confidential complaints' details",
    )
    member.set_defaults(handler=run_server_add_member)

    syncer = commands.add_parser(
        "sync",
        help="one push and pull with the team server",
        description="Send this folder's changes to the team server and take the team's. The "
        f"password comes from the keyring, else {SYNC_PASSWORD_VARIABLE}, else is asked for.",
    )
    syncer.add_argument("--url", metavar="URL", required=True)
    syncer.add_argument("--login", metavar="LOGIN", required=True)
    first = syncer.add_mutually_exclusive_group()
    first.add_argument(
        "--publish", action="store_true", help="upload this register to an empty server"
    )
    first.add_argument("--join", action="store_true", help="take the team's register")
    held = syncer.add_mutually_exclusive_group()
    held.add_argument(
        "--replace-mine",
        action="store_true",
        help="on joining: this laptop's own records go (after a backup)",
    )
    held.add_argument(
        "--add-mine",
        action="store_true",
        help="on joining: this laptop's own records are added to the team's",
    )
    syncer.set_defaults(handler=run_sync)
    conflicts = commands.add_parser(
        "conflicts",
        help="the open conflicts from syncing",
        description="Each field two people changed differently: base, mine and theirs.",
    )
    conflicts.add_argument("--json", action="store_true", help="as a JSON list")
    conflicts.set_defaults(handler=run_conflicts)

    importer = _file_command(
        commands,
        "import",
        FORMATS,
        help="import a CSV or .xlsx file (all of it, or nothing if any row is wrong)",
        description="Check every row of FILE, then import all of it in one go; a file with any "
        "bad row writes nothing and lists every problem with its line and column.",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="check the file and report, but write nothing"
    )
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="questionnaire only: which of the file's columns holds FIELD (date, nps, ces, csat, "
        "comment, department, service, customer); repeat for each. Remembered for the next "
        "file with the same columns.",
    )
    importer.add_argument(
        "--channel",
        metavar="WORD",
        help="questionnaire only: how the answers came in (default: questionnaire)",
    )
    importer.set_defaults(handler=run_import)
    exporter = _file_command(
        commands,
        "export",
        EXPORTS,
        help="export to a CSV or .xlsx file in the import columns",
        description="Write every record of KIND to FILE (.csv or .xlsx) in the same columns "
        "the import reads, so the file imports again unchanged.",
    )
    exporter.add_argument(
        "--include-confidential",
        action="store_true",
        help="write confidential complaints' summary, details, customer and response too",
    )
    exporter.set_defaults(handler=run_export)
    return parser


def _period_options(command: argparse.ArgumentParser) -> None:
    chosen = command.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--month", metavar="YYYY-MM", help="a month, e.g. 2026-10")
    chosen.add_argument("--quarter", metavar="YYYY-QN", help="a quarter, e.g. 2026-Q3")
    chosen.add_argument("--year", metavar="YYYY", help="a year, e.g. 2026")


def _period(args: argparse.Namespace) -> Any:
    from models.periods import Period

    text = args.month or args.quarter or args.year
    wanted = "month" if args.month else "quarter" if args.quarter else "year"
    try:
        period = Period.parse(text)
    except ValueError as error:
        raise UsageError(str(error)) from error
    if period.kind != wanted:
        raise UsageError(f"--{wanted} {text}: that is not a {wanted}.")
    return period


def _file_command(
    commands: Any, name: str, known: Iterable[str], **texts: str
) -> argparse.ArgumentParser:
    """A command taking KIND (one of `known`) and FILE."""
    kinds = sorted(known)
    command = commands.add_parser(name, **texts)
    command.add_argument("kind", metavar="KIND", choices=kinds, help=", ".join(kinds))
    command.add_argument("file", metavar="FILE", type=Path, help="a .csv or .xlsx file")
    return command


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from desktop.self_test import run_self_test

        return run_self_test(resolve_data_dir(args.data_dir) if args.data_dir else None)
    data_dir = resolve_data_dir(args.data_dir)
    if args.command is None:
        from desktop.app import run_window  # Qt is loaded only for the window

        return run_window(data_dir)
    handler: Callable[[argparse.Namespace, Path], int] = args.handler
    try:
        return handler(args, data_dir)
    except UsageError as error:
        print(f"rapport {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KnownError as error:
        print(f"rapport: {error}", file=sys.stderr)
        return EXIT_FAILED
    except DATABASE_ERRORS as error:
        known = explain_database_error(error, database_path(data_dir))
        if known is None:
            raise
        print(f"rapport: {known}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        close_database()


SYNC_PASSWORD_VARIABLE = "RAPPORT_SYNC_PASSWORD"


def run_server_init(args: argparse.Namespace, _data_dir: Path) -> int:
    from desktop.sync.server import init_server

    state = init_server(args.url)
    done = "set up" if state.upgraded else "already current"
    print(
        f"Team server {state.database}: {done} (protocol {state.protocol}); "
        f"{state.members} member(s)."
    )
    return EXIT_OK


def run_server_add_member(args: argparse.Namespace, _data_dir: Path) -> int:
    from desktop.sync.server import add_member

    password = _sync_password(f"Password for {args.login}: ")
    add_member(
        args.url,
        login=args.login,
        name=args.name,
        password=password,
        email=args.email,
        confidential=args.confidential,
    )
    extra = ", who may read confidential complaints" if args.confidential else ""
    print(f"{args.name} can now sign in to the team server as {args.login}{extra}.")
    return EXIT_OK


def run_sync(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.keys import store_sync_password, sync_password
    from desktop.sync.client import Account, Mine, Mode, sync

    mode = Mode.PUBLISH if args.publish else Mode.JOIN if args.join else Mode.SYNC
    mine = Mine.REPLACE if args.replace_mine else Mine.ADD if args.add_mine else None
    if mine is not None and mode is not Mode.JOIN:
        raise UsageError("--replace-mine and --add-mine go with --join.")
    if mode is Mode.JOIN:  # joining may start a new data folder; anything else needs one
        _open_or_create(data_dir)
    else:
        _open_existing(data_dir)
    kept = sync_password(args.url, args.login)
    password = kept or _sync_password(f"Password for {args.login}: ")
    outcome = sync(data_dir, Account(args.url, args.login, password), mode, mine=mine)
    if kept is None:
        store_sync_password(args.url, args.login, password)
    print(outcome.said())
    return EXIT_OK


def run_conflicts(args: argparse.Namespace, data_dir: Path) -> int:
    import json

    from models.sync.state import open_conflicts

    _open_existing(data_dir)
    found = open_conflicts()
    if args.json:
        print(json.dumps([conflict.as_json() for conflict in found], ensure_ascii=False))
        return EXIT_OK
    if not found:
        print("No conflicts.")
    for conflict in found:
        print(
            f"{conflict.kind} {conflict.record}: {conflict.field}: base {conflict.base!r}, "
            f"mine {conflict.mine!r}, theirs {conflict.theirs!r}"
        )
    return EXIT_OK


def _sync_password(prompt: str) -> str:
    """The password from the environment, else asked for at a terminal; never echoed."""
    import getpass
    import os

    password = os.environ.get(SYNC_PASSWORD_VARIABLE)
    if password:
        return password
    if not sys.stdin.isatty():
        raise UsageError(f"give the password in {SYNC_PASSWORD_VARIABLE} (no terminal to ask at).")
    return getpass.getpass(prompt)


def run_demo(args: argparse.Namespace, data_dir: Path) -> int:
    from models.demo import generate_demo

    started = time.perf_counter()
    ensure_data_folder(data_dir)
    with FolderLock(data_dir):
        if args.replace:
            remove_database(database_path(data_dir))
        open_data_folder(data_dir)
        counts = generate_demo(args.size, args.seed, progress=_terminal_progress())
    seconds = time.perf_counter() - started
    print(
        f"Demo data ({args.size}, seed {args.seed}) written to {database_path(data_dir)} "
        f"in {seconds:.1f} s:"
    )
    print(format_counts(counts))
    return EXIT_OK


def run_summary(args: argparse.Namespace, data_dir: Path) -> int:
    import json

    from desktop.figures_text import summary_text
    from models.monitoring import summary

    period = _period(args)
    _open_existing(data_dir)
    figures = summary(period)
    if args.json:
        print(json.dumps(figures.to_json(), ensure_ascii=False, indent=2))
    else:
        print(summary_text(figures))
    return EXIT_OK


def _pdf_path(path: Path) -> Path:
    if path.suffix.lower() != ".pdf":
        raise UsageError(f"--out {path}: the report is a PDF; give a file name ending in .pdf.")
    if not path.parent.exists():
        raise KnownError(f"{path.parent}: no such folder.")
    return path


def run_report_monthly(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.reports.monitoring_report import build_monitoring_report

    period, out = _period(args), _pdf_path(args.out)
    _open_existing(data_dir)
    started = time.perf_counter()
    built = build_monitoring_report(
        period, out, prepared_by=args.prepared_by, by_owner=args.by_owner
    )
    seconds = time.perf_counter() - started
    print(f"Wrote {built.path}: {period.label()}, {built.pages} page(s) in {seconds:.1f} s.")
    return EXIT_OK


def run_report_complaint(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.reports.complaint_record import build_complaint_record
    from models.complaints import find_by_reference

    out = _pdf_path(args.out)
    _open_existing(data_dir)
    built = build_complaint_record(find_by_reference(args.reference), out)
    print(f"Wrote {built.path}: complaint {args.reference.upper()}, {built.pages} page(s).")
    return EXIT_OK


def _existing_database(data_dir: Path) -> Path:
    """The folder's database, which must already exist (a report of nothing is no use, and a
    mistyped --data-dir must not leave an empty database behind)."""
    path = database_path(data_dir)
    if not has_database(data_dir):
        raise KnownError(
            f"There is no Rapport database in {data_dir} (looked for {path.name}): check the "
            "folder's name, or import into it first."
        )
    return path


def _open_existing(data_dir: Path) -> None:
    _existing_database(data_dir)
    open_data_folder(data_dir)


def run_check(args: argparse.Namespace, data_dir: Path) -> int:
    from models.integrity import CheckReport, check_database

    path = _existing_database(data_dir)
    try:
        report = check_database(open_database(path, key=folder_key(data_dir), upgrade=False), path)
    except KnownError as error:  # damaged so badly that it cannot even be opened
        report = CheckReport(problems=[str(error)])
    print(f"Database: {path}")
    if report.schema_version is not None:
        print(f"Schema version: {report.schema_version}")
    if report.counts:
        print(format_counts(report.counts))
    if report.ok:
        print("Check passed: no problems found.")
        return EXIT_OK
    print(f"Check failed: {len(report.problems)} problem(s):", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_FAILED


def run_backup(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.backups import MANUAL, take_backup

    _open_existing(data_dir)
    started = time.perf_counter()
    backup = take_backup(data_dir, MANUAL, to=args.to)
    seconds = time.perf_counter() - started
    print(f"Backed up to {backup.path} ({backup.size / 2**20:,.1f} MB) in {seconds:.1f} s:")
    print(backup.counts_text)
    return EXIT_OK


def run_restore(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.backups import restore_backup, sweep_leftovers
    from desktop.keys import stored_key

    ensure_data_folder(data_dir)  # restoring onto a new computer: the folder may be new
    with FolderLock(data_dir):  # the folder's key, whatever state its database is in
        sweep_leftovers(data_dir)
        key, new = stored_key(data_dir), None
        if key is None and not has_database(data_dir) and _needs_new_key(args.file):
            new = _key_for_new_database(data_dir)  # a plain backup becomes encrypted data
            key = new.key
        restored = restore_backup(data_dir, args.file, key)
    if new is not None and not new.given:
        print(recovery_notice(new.key, data_dir), file=sys.stderr)
    print(
        f"Restored {args.file} (taken {moment_text(restored.backup.taken)}) into "
        f"{database_path(data_dir)}: {restored.backup.counts_text}."
    )
    if restored.kept is not None:
        print(f"The data it replaced is kept in {restored.kept}.")
    return EXIT_OK


def _needs_new_key(backup: Path) -> bool:
    """A plain backup restored into a new folder is encrypted, unless it is the demo; an
    encrypted one opens with its own key (RAPPORT_DB_KEY: the recovery key)."""
    from models.encryption import stays_plain

    return not is_encrypted(backup) and not stays_plain(backup)


def run_import(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.importing import import_file
    from desktop.questionnaire import QuestionnaireFormat

    kind = _import_kind(args)
    if args.dry_run and not has_database(data_dir):  # nothing to check against: make nothing
        open_scratch()
        plan = import_file(kind, args.file, dry_run=True)
    else:
        ensure_data_folder(data_dir)
        with FolderLock(data_dir):  # not while the window has the folder open
            _open_or_create(data_dir)
            plan = import_file(kind, args.file, dry_run=args.dry_run)
    if plan.unknown and plan.matched:
        print(f"Columns not used: {', '.join(plan.unknown)}", file=sys.stderr)
    if not plan.ok:
        print(plan.summary(), file=sys.stderr)
        if isinstance(kind, QuestionnaireFormat) and kind.source == "none":
            print(mapping_hint(plan.headers), file=sys.stderr)
        return EXIT_FAILED
    print(plan.summary())
    return EXIT_OK


def _open_or_create(data_dir: Path) -> None:
    """Open the folder's database, or make a new one encrypted as the window would (saying the
    recovery key of a key not given in RAPPORT_DB_KEY)."""
    from desktop.backups import sweep_leftovers

    sweep_leftovers(data_dir)
    if has_database(data_dir):
        open_data_folder(data_dir)
        return
    new = _key_for_new_database(data_dir)
    open_data_folder(data_dir, key=new.key)
    if not new.given:
        print(recovery_notice(new.key, data_dir), file=sys.stderr)


def _key_for_new_database(data_dir: Path) -> NewKey:
    """The new database's key; no command makes a plain one, nor one whose key it cannot keep
    (the window can seal it with a passphrase instead)."""
    from desktop.keys import ENVIRONMENT, keyring_name

    new = key_for_new_database(data_dir)
    if not new.in_keyring:
        raise KnownError(
            f"Rapport encrypts its data and cannot keep a new key on this computer "
            f"({keyring_name()}). Give the key in the {ENVIRONMENT} environment variable "
            f"(64 hexadecimal digits), or open {data_dir} in the Rapport window once, which "
            "can seal the key with a passphrase."
        )
    return new


def recovery_notice(key: str, data_dir: Path) -> str:
    from desktop.keys import keyring_name
    from models.encryption import recovery_text

    return (
        f"Rapport has made an encrypted database in {data_dir}; its key is kept in "
        f"{keyring_name()} on this computer.\n"
        f"Recovery key: {recovery_text(key)}\n"
        "Keep it somewhere safe, away from this computer: you need it to open this data on "
        "another computer or after Windows is reinstalled, and anyone who has it and a copy "
        "of the data can read the data. Rapport shows it only now."
    )


def _import_kind(args: argparse.Namespace) -> ImportKind:
    """The import format, with the questionnaire's mapping and channel when given."""
    from desktop.kinds import FORMATS
    from desktop.questionnaire import TARGETS, QuestionnaireFormat
    from models.choices import FeedbackChannel

    if args.kind != QuestionnaireFormat.name:
        if args.map or args.channel:
            raise UsageError("--map and --channel are for questionnaire imports only.")
        return FORMATS[args.kind]()
    targets = [target for target, _label in TARGETS]
    mapping: dict[str, str] = {}
    for given in args.map:
        target, equals, header = given.partition("=")
        target = target.strip().lower()
        if not equals or target not in targets:
            raise UsageError(
                f"--map {given}: write FIELD=COLUMN, where FIELD is one of {', '.join(targets)}."
            )
        mapping[target] = header.strip()
    try:
        channel = FeedbackChannel.from_word(args.channel or "questionnaire")
    except ValueError as error:
        raise UsageError(f"--channel: {error}") from error
    return QuestionnaireFormat(mapping=mapping or None, channel=channel, guess=False)


def mapping_hint(headers: Sequence[str]) -> str:
    """What to type, when a questionnaire's columns have not been mapped before."""
    from desktop.questionnaire import guess_mapping

    guesses = " ".join(
        f'--map "{target}={header}"' for target, header in guess_mapping(headers).items()
    )
    return (
        "Rapport has not imported a file with these columns before: say which column holds "
        "what with --map FIELD=COLUMN (remembered for next time).\n"
        f"Its columns: {'; '.join(headers)}\n"
        f"Rapport's guess: {guesses or '(none)'}"
    )


def run_export(args: argparse.Namespace, data_dir: Path) -> int:
    from desktop.importing import export_file
    from desktop.kinds import EXPORTS

    _open_existing(data_dir)
    kind = EXPORTS[args.kind](include_confidential=args.include_confidential)
    count = export_file(kind, args.file)
    print(f"Exported {count} {args.kind} to {args.file}.")
    return EXIT_OK


def remove_database(path: Path) -> None:
    close_database()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def format_counts(counts: dict[str, int]) -> str:
    width = max(len(name) for name in counts)
    return "\n".join(f"  {name.replace('_', ' '):<{width}}  {n:>9,}" for name, n in counts.items())


def _terminal_progress() -> Callable[[str, float], None] | None:
    """A one-line progress display, only when a person is watching the terminal."""
    stream = sys.stderr
    if stream is None or not stream.isatty():
        return None

    def show(stage: str, fraction: float) -> None:
        end = "\n" if fraction >= 1.0 and stage == "Done" else ""
        stream.write(f"\r{stage:<20} {fraction:6.0%}{end}")
        stream.flush()

    return show
