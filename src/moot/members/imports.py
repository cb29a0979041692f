"""CSV import and export of the member register (format: docs/members-import.md).

The import validates every row first and names each problem by row and column. Nothing is
written when any row is bad, unless partial mode asks for the valid rows alone. Rows are then
written with ``bulk_create`` in batches inside one transaction, and the import records ONE audit
event carrying the counts and the SHA-256 of the file: a per-row event would multiply the audit
chain (and its hashing) by the size of the register for no gain, since the file digest plus the
"import:<digest>" reference on every created status interval identifies exactly what came in.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from moot.audit.actions import record
from moot.csv_export import csv_writer, restore_cell
from moot.members.actions import initial_periods
from moot.members.audit_verbs import AuditVerb
from moot.members.csv_columns import COLUMNS, REQUIRED_COLUMNS
from moot.members.errors import ActionError
from moot.members.models import Gender, Member, MembershipPeriod, MemberStatus, search_keys
from moot.text import text_problem

BATCH_SIZE = 5000

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
_GENDER_WORDS = {
    **{value: value for value in Gender.values},
    "non-binary": "non_binary",
    "nonbinary": "non_binary",
    "prefer not to say": "prefer_not_to_say",
    "not stated": "",
}
_STATUS_WORDS = {
    **{value: value for value in MemberStatus.values},
    "in arrears": "in_arrears",
    "arrears": "in_arrears",
    "suspended pending investigation": "suspended",
}
MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "phone": 40,
    "postcode": 12,
}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # "" for the whole row or the header
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    total_rows: int = 0
    valid_rows: int = 0
    created: int = 0
    skipped: int = 0
    dry_run: bool = False
    partial: bool = False
    sha256: str = ""
    errors: list[RowError] = field(default_factory=list)
    audit_event_id: int | None = None
    # Valid rows whose joined_on is before today: the membership is back-dated, which only the
    # register's authority may do, with a reason (rulebook [membership.register]).
    backdated_rows: int = 0
    first_backdated_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        if self.dry_run:
            verdict = (
                "dry run: every row is valid; nothing was written"
                if self.ok
                else f"dry run: {self.bad_rows} of {self.total_rows} rows have problems; "
                "nothing was written"
            )
            return f"{verdict} ({self.valid_rows} rows would be imported)"
        if self.created == 0 and self.errors and not self.partial:
            return (
                f"nothing was imported: {self.bad_rows} of {self.total_rows} rows have problems; "
                "fix them and import again, or import only the valid rows (partial mode)"
            )
        text = f"imported {self.created} of {self.total_rows} members"
        if self.skipped:
            text += f"; skipped {self.skipped} rows with problems"
        return text


@dataclass
class _ValidRow:
    row: int
    values: dict[str, Any]


class _UnitLookup:
    """Constituencies and branches by slug or code (one query each, then dictionaries)."""

    def __init__(self) -> None:
        from moot.units.models import Unit

        self.constituencies: dict[str, Any] = {}
        self.branches: dict[str, Any] = {}
        for unit in Unit.objects.filter(kind__in=["constituency", "branch"]):
            target = self.constituencies if unit.kind == "constituency" else self.branches
            target[unit.slug.lower()] = unit
            if unit.code:
                target.setdefault(unit.code.lower(), unit)


def _parse_date(text: str, cache: dict[str, datetime.date | str]) -> datetime.date | str:
    """A date, or the error message for it (cached: registers repeat the same dates a lot)."""
    hit = cache.get(text)
    if hit is not None:
        return hit
    if not _DATE.match(text):
        result: datetime.date | str = f"'{text}' is not a date; use YYYY-MM-DD"
    else:
        try:
            result = datetime.date.fromisoformat(text)
        except ValueError:
            result = f"'{text}' is not a date; use YYYY-MM-DD"
    cache[text] = result
    return result


def _read_rows(csv_text: str, report: ImportReport) -> tuple[list[str], Iterable[list[str]]]:
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append(
            RowError(1, "", "", "the file is empty; the first row must name the columns")
        )
        return [], []
    return [h.strip().lower() for h in header], reader


def _check_header(header: list[str], unit_default: Any, report: ImportReport) -> bool:
    ok = True
    for name in header:
        if name not in COLUMNS:
            report.errors.append(
                RowError(
                    1, name, name, f"unknown column '{name}'; the columns are {', '.join(COLUMNS)}"
                )
            )
            ok = False
    seen: set[str] = set()
    for name in header:
        if name in seen:
            report.errors.append(RowError(1, name, name, f"column '{name}' appears twice"))
            ok = False
        seen.add(name)
    required = list(REQUIRED_COLUMNS) + ([] if unit_default is not None else ["constituency"])
    for name in required:
        if name not in header:
            report.errors.append(
                RowError(
                    1, name, "", f"missing column '{name}' (required); add it to the first row"
                )
            )
            ok = False
    return ok


def _validate(csv_text: str, unit_default: Any, report: ImportReport) -> list[_ValidRow]:
    """Check every row; collect errors in ``report``; return the rows that passed."""
    header, rows = _read_rows(csv_text, report)
    if not header or not _check_header(header, unit_default, report):
        return []
    units = _UnitLookup()
    existing_numbers = set(Member.objects.values_list("number", flat=True))
    numbers_in_file: dict[str, int] = {}
    dates: dict[str, datetime.date | str] = {}
    today = timezone.localdate()
    width = len(header)
    valid: list[_ValidRow] = []
    errors = report.errors
    row_no = 1
    for cells in rows:
        row_no += 1
        if not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        report.total_rows += 1
        if len(cells) != width:
            errors.append(
                RowError(
                    row_no,
                    "",
                    "",
                    f"has {len(cells)} cells but the header has {width}; check for a missing "
                    "or extra comma (quote values that contain commas)",
                )
            )
            continue
        # restore_cell: an export wrote "'+44 …" so a spreadsheet shows it as text.
        raw = {name: restore_cell(cells[i].strip()) for i, name in enumerate(header)}
        row_errors_before = len(errors)

        def bad(column: str, message: str, raw: dict[str, str] = raw, row_no: int = row_no) -> None:
            errors.append(RowError(row_no, column, raw.get(column, ""), message))

        values: dict[str, Any] = {}
        for column in ("first_name", "last_name"):
            if not raw[column]:
                bad(column, "is empty; every member needs a first and last name")
        for column, limit in MAX_LENGTHS.items():
            if len(raw.get(column, "")) > limit:
                bad(column, f"is {len(raw[column])} characters long; the limit is {limit}")
        for column in header:  # no control or bidi-override characters (moot.text)
            problem = text_problem(raw[column], single_line=column != "address", max_length=None)
            if problem:
                bad(column, problem)

        number = raw.get("number", "").upper()
        if number:
            if not _NUMBER.match(number):
                bad(
                    "number",
                    f"'{raw['number']}' is not a member number; use letters, digits and - "
                    "(e.g. M0001234)",
                )
            elif number in existing_numbers:
                bad(
                    "number", f"member {number} already exists; remove the row or change the number"
                )
            elif number in numbers_in_file:
                bad("number", f"member {number} also appears in row {numbers_in_file[number]}")
            else:
                numbers_in_file[number] = row_no
        values["number"] = number

        email = raw.get("email", "").lower()
        if email and not _EMAIL.match(email):
            bad("email", f"'{raw['email']}' is not an e-mail address")
        values["email"] = email

        for column in ("joined_on", "date_of_birth", "status_since"):
            text = raw.get(column, "")
            if not text:
                values[column] = None
                if column == "joined_on":
                    bad(column, "is empty; give the date the member joined as YYYY-MM-DD")
                continue
            parsed = _parse_date(text, dates)
            if isinstance(parsed, str):
                bad(column, parsed)
                values[column] = None
            elif parsed > today:
                bad(column, f"'{text}' is in the future")
                values[column] = None
            else:
                values[column] = parsed
        if (
            values["joined_on"]
            and values["status_since"]
            and values["status_since"] < values["joined_on"]
        ):
            bad("status_since", f"'{raw['status_since']}' is before joined_on ({raw['joined_on']})")

        gender_text = raw.get("gender", "").lower()
        gender = _GENDER_WORDS.get(gender_text)
        if gender is None:
            bad(
                "gender",
                f"'{raw['gender']}' is not one of "
                f"{', '.join(v for v in Gender.values if v)} (or empty)",
            )
        values["gender"] = gender or ""

        status_text = raw.get("status", "").lower() or MemberStatus.ACTIVE
        status = _STATUS_WORDS.get(status_text)
        if status is None:
            bad("status", f"'{raw['status']}' is not one of {', '.join(MemberStatus.values)}")
        values["status"] = status

        constituency = unit_default
        key = raw.get("constituency", "").lower()
        if key:
            constituency = units.constituencies.get(key)
            if constituency is None:
                bad(
                    "constituency",
                    f"no constituency party has the slug or code '{raw['constituency']}'",
                )
        elif constituency is None:
            bad("constituency", "is empty; give the constituency party's slug or code")
        values["constituency"] = constituency
        branch = None
        key = raw.get("branch", "").lower()
        if key:
            branch = units.branches.get(key)
            if branch is None:
                bad("branch", f"no branch has the slug or code '{raw['branch']}'")
            elif constituency is not None and branch.parent_id != constituency.pk:
                bad(
                    "branch",
                    f"branch '{raw['branch']}' is not in {constituency}; leave it empty or "
                    "pick one of its branches",
                )
        values["branch"] = branch
        for column in ("first_name", "last_name", "phone", "address"):
            values[column] = raw.get(column, "")
        values["postcode"] = raw.get("postcode", "").upper()
        if len(errors) == row_errors_before:
            valid.append(_ValidRow(row_no, values))
    report.valid_rows = len(valid)
    return valid


def _number_series(count: int) -> Iterable[str]:
    from moot.members.actions import next_member_number

    first = int(next_member_number()[1:])
    return (f"M{n:07d}" for n in range(first, first + count))


_MEMBER_COLUMNS = (
    "number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "postcode",
    "date_of_birth",
    "gender",
    "constituency_id",
    "branch_id",
    "joined_on",
    "backdate_reason",
    "status",
    "search_name",
    "search_name_reversed",
    "created_at",
    "updated_at",
)
_PERIOD_COLUMNS = ("member_id", "status", "start", "end", "reason", "reference", "recorded_by_id")


def _insert_sql(model: Any, columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model


@contextmanager
def _large_page_cache(cursor: Any) -> Iterator[None]:
    """On SQLite, a page cache of up to 1 GB while importing: the member table's indexes are updated
    in name order, not insertion order, and the default 2 MB cache thrashes on large imports."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (previous,) = cursor.fetchone()
    cursor.execute("PRAGMA cache_size = -1048576")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _write(valid: list[_ValidRow], reference: str, acting_user: Any, backdate_reason: str) -> int:
    """Insert the members, then their status intervals, in batches of BATCH_SIZE rows.

    This is a bulk insert like ``bulk_create``, but with one prepared INSERT executed over each
    batch (``executemany``) on SQLite and COPY on PostgreSQL: building a multi-row statement per
    batch, as ``bulk_create`` does, cost four times as long as the database work itself
    (measured: bench/import_members.py). Values are adapted with the backend's own operations,
    exactly as the ORM would.
    """
    ops = connection.ops
    today = timezone.localdate()
    fresh_numbers = iter(_number_series(sum(1 for v in valid if not v.values["number"])))
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value
    member_rows: list[tuple[Any, ...]] = []
    plans: list[tuple[str, list[Any]]] = []
    for item in valid:
        v = item.values
        number = v["number"] or next(fresh_numbers)
        search_name, search_name_reversed = search_keys(v["first_name"], v["last_name"])
        periods = initial_periods(v["joined_on"], v["status"], v["status_since"])
        member_rows.append(
            (
                number,
                v["first_name"],
                v["last_name"],
                v["email"],
                v["phone"],
                v["address"],
                v["postcode"],
                day(v["date_of_birth"]),
                v["gender"],
                v["constituency"].pk,
                v["branch"].pk if v["branch"] else None,
                day(v["joined_on"]),
                backdate_reason if v["joined_on"] < today else "",
                periods[-1].status,
                search_name,
                search_name_reversed,
                now,
                now,
            )
        )
        plans.append((number, periods))
    recorded_by_id = getattr(acting_user, "pk", None)
    last_pk = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    member_sql = _insert_sql(Member, _MEMBER_COLUMNS)
    period_sql = _insert_sql(MembershipPeriod, _PERIOD_COLUMNS)
    with connection.cursor() as cursor, _large_page_cache(cursor):
        _insert_rows(cursor, Member, _MEMBER_COLUMNS, member_sql, member_rows)
        # Ids of the rows just written, by number (other writers' rows are ignored).
        ids = dict(
            Member.objects.filter(pk__gt=last_pk).values_list("number", "pk").iterator(10_000)
        )
        period_rows = [
            (ids[number], p.status, day(p.start), day(p.end), "imported", reference, recorded_by_id)
            for number, periods in plans
            for p in periods
        ]
        _insert_rows(cursor, MembershipPeriod, _PERIOD_COLUMNS, period_sql, period_rows)
    return len(member_rows)


def _insert_rows(
    cursor: Any, model: Any, columns: tuple[str, ...], sql: str, rows: list[tuple[Any, ...]]
) -> None:
    """Write ``rows`` in batches: COPY on PostgreSQL (an INSERT per row costs a round trip
    there), one prepared INSERT per batch elsewhere."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        copy_sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    for start in range(0, len(rows), BATCH_SIZE):
        cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def import_members(
    csv_text: str,
    *,
    unit_default: Any = None,
    dry_run: bool,
    acting_user: Any,
    partial: bool = False,
    source_name: str = "",
    backdate_reason: str = "",
    clause: str = "",
) -> ImportReport:
    """Validate and (unless ``dry_run``) import members from CSV text.

    All-or-nothing by default: one bad row and nothing is written. With ``partial`` the valid
    rows are imported and the bad ones reported. A dry run writes nothing and records nothing.

    A membership starts on the day it is recorded unless the register's authority back-dates it
    with a reason (rulebook [membership.register], cited as ``clause``): rows whose joined_on is
    before today are imported only with ``backdate_reason``, which is kept on each such member,
    shown in their eligibility and recorded in the import's audit event. Whether the caller is
    that authority is decided before (members.decide_register).
    """
    digest = hashlib.sha256(csv_text.encode()).hexdigest()
    report = ImportReport(dry_run=dry_run, partial=partial, sha256=digest)
    if unit_default is not None and unit_default.kind != "constituency":
        report.errors.append(
            RowError(
                0,
                "constituency",
                str(unit_default),
                f"the default unit {unit_default} is not a constituency party",
            )
        )
        return report
    valid = _validate(csv_text, unit_default, report)
    report.skipped = report.total_rows - report.valid_rows
    today = timezone.localdate()
    backdated = [item.row for item in valid if item.values["joined_on"] < today]
    report.backdated_rows = len(backdated)
    report.first_backdated_row = backdated[0] if backdated else 0
    backdate_reason = backdate_reason.strip()
    if dry_run or not valid or (report.errors and not partial):
        return report
    if backdated and not backdate_reason:
        report.errors.append(
            RowError(
                backdated[0],
                "joined_on",
                "",
                f"{len(backdated)} rows start the membership before today (the first is row "
                f"{backdated[0]}); a membership starts on the day it is recorded unless the "
                "national membership office back-dates it with a reason: give the reason "
                "(e.g. 'register moved from the old system'), or use today's date"
                + (f" (clause {clause})" if clause else ""),
            )
        )
        report.skipped = report.total_rows
        return report
    reference = f"import:{digest[:12]}"
    with transaction.atomic():
        report.created = _write(valid, reference, acting_user, backdate_reason)
        event = record(
            actor=acting_user,
            verb=AuditVerb.IMPORT_MEMBERS,
            object_type="members.import",
            object_id=digest[:16],
            object_repr=f"member import {source_name or digest[:12]}",
            after={
                "sha256": digest,
                "file": source_name,
                "rows": report.total_rows,
                "created": report.created,
                "skipped": report.skipped,
                "partial": partial,
                "reference": reference,
                "backdated": report.backdated_rows,
                "backdate_reason": backdate_reason if backdated else "",
            },
            clause=clause if backdated else "",
            reason=f"imported {report.created} members from CSV",
        )
        report.audit_event_id = event.pk
    return report


def export_members(queryset: QuerySet[Member], *, include_sensitive: bool = False) -> str:
    """The members as CSV in the import columns (status_since = start of the open interval)."""
    columns = [c for c in COLUMNS if include_sensitive or c != "gender"]
    out = io.StringIO()
    writer = csv_writer(out)  # formula prefixes neutralised (docs/security.md §7)
    writer.writerow(columns)
    open_start = dict(
        MembershipPeriod.objects.filter(
            Q(end__isnull=True), member_id__in=queryset.values("pk")
        ).values_list("member_id", "start")
    )
    rows = queryset.order_by("number").values_list(
        "pk",
        "number",
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "postcode",
        "date_of_birth",
        "gender",
        "constituency__slug",
        "branch__slug",
        "joined_on",
        "status",
    )
    for pk, *fields in rows.iterator(chunk_size=5000):
        record_ = dict(zip(COLUMNS[:13], fields, strict=True))
        record_["status_since"] = open_start.get(pk)
        writer.writerow(
            [
                ""
                if record_[c] is None
                else (
                    record_[c].isoformat() if isinstance(record_[c], datetime.date) else record_[c]
                )
                for c in columns
            ]
        )
    return out.getvalue()


def read_csv_file(path: str) -> str:
    """Read a CSV file as text (UTF-8, with or without the byte-order mark Excel writes)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise ActionError(
            f"{path}: byte {exc.start} is not UTF-8; save the file as 'CSV UTF-8' and try again"
        ) from exc
