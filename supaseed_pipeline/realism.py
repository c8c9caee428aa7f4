"""Score how real a seeded database looks: which columns a reviewer would call filler, and why.

Plain functions over a live connection (no Dagster). Per column it flags:

* ``word_salad``   short labels or sentences made of random common English words (Faker's lorem list)
                   glued together, or labels with a ``word-N`` suffix ("direction-0");
* ``constant``     one distinct value over many rows (unless a CHECK allows only that value);
* ``at_bound``     most values piled on the smallest or largest value seen (clamped numbers);
* ``not_iso_currency`` / ``not_interval_unit``  typed text that is not what its name says;
* ``inverted``     ordered pairs out of order: ``*_start > *_end``, ``created_at > updated_at``,
                   ``valid_from > valid_to``, ``joined_at > left_at``, ...;
* ``status_as_place`` a state/province/region column holding workflow statuses ("archived", "pending");
* ``in_future``    creation, birth, hire or invoice dates after today;
* ``same_people``  the same person names in two different tables (customers are not the staff).

``python -m supaseed_pipeline.realism --database-url URL`` prints the share of filler columns and the
worst columns.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache

import psycopg
from psycopg import sql

from supaseed_pipeline.plan.framework_tables import framework_table
from supaseed_pipeline.seed import ledger
from supaseed_pipeline.snapshot.introspect import take_snapshot
from supaseed_pipeline.snapshot.models import Column, SchemaSnapshot, Table

MIN_ROWS = 10            # fewer rows than this say nothing about a column's spread
SALAD_SHARE = 0.5        # a column is filler when at least this share of its distinct values is salad
BOUND_SHARE = 0.8
WORD_VARIETY = 0.8       # distinct words per word above which salad values look randomly drawn
SYSTEM_SCHEMAS = {"auth", "storage", "supaseed", "extensions", "realtime", "vault", "graphql", "graphql_public",
                  "pgsodium", "pgsodium_masks", "supabase_functions", "supabase_migrations", "net", "cron",
                  "information_schema"}
SKIP_TYPES = {"uuid", "bytea", "json", "jsonb", "tsvector", "tsquery", "inet", "cidr", "xml", "oid"}

# ISO 4217 active codes (alphabetic), so a currency column can be checked without a dependency.
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD
CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD
OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC
SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU
XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWL
""".split())
INTERVAL_UNITS = frozenset({"day", "week", "month", "quarter", "year", "days", "weeks", "months", "years",
                            "daily", "weekly", "monthly", "quarterly", "yearly", "annual", "annually"})
CURRENCY_NAME = re.compile(r"(^|_)currency(_code|_iso)?$|^iso_currency")
INTERVAL_NAME = re.compile(r"^(interval|billing_interval|interval_unit|recurring_interval|billing_period|period_unit)$")
IDENTIFIER_NAME = re.compile(r"(^|_)(slug|token|handle|username|code|key|sku|number|no|num|ref|reference)$")   # read-out identifiers (INV-0042)
PLACE_NAME = re.compile(r"(^|_)(state|province|region)$")
STATUS_WORDS = frozenset("active inactive pending archived draft published deleted open closed done new "
                         "enabled disabled approved rejected cancelled canceled failed succeeded paid".split())
PAST_NAME = re.compile(r"^(created|created_at|inserted_at|create_date|birth_date|birthdate|date_of_birth|hire_date|"
                       r"hired_at|invoice_date|order_date|joined_at|signed_up_at|signup_date)$")
# Words that real English labels and sentences are full of, and random lorem draws rarely hit together.
FUNCTION_WORDS = frozenset("a an the of to in on for and or with at by from is are was be it this that your our my "
                           "you we i".split())
WORD_N = re.compile(r"^[A-Za-z]+(?:[ _-][A-Za-z]+)*[-_]\d+$")
# name tokens that pair up: the left one must not come after the right one
PAIR_TOKENS = {"start": "end", "starts": "ends", "started": "ended", "begin": "end", "begins": "ends",
               "from": "to", "created": "updated", "inserted": "updated", "opened": "closed", "joined": "left",
               "min": "max", "first": "last", "issued": "expires", "birth": "death"}
EXTRA_PAIRS = (("rental_date", "return_date"), ("birth_date", "hire_date"), ("created", "current_period_start"),
               ("created_at", "deleted_at"), ("created_at", "expires_at"), ("inserted_at", "edited_at"))


@lru_cache(maxsize=1)
def lorem_words() -> frozenset[str]:
    """Faker's en_US lorem list: the vocabulary of word-salad filler."""
    from faker.providers.lorem.en_US import Provider
    return frozenset(Provider.word_list)


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    kind: str
    share: float          # how much of the column is affected, 0..1
    detail: str

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass
class RealismReport:
    columns_examined: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def filler_columns(self) -> list[str]:
        return sorted({f.where for f in self.findings})

    @property
    def filler_share(self) -> float:
        return len(self.filler_columns) / self.columns_examined if self.columns_examined else 0.0

    @property
    def score(self) -> float:
        """100 = no column a reviewer would call filler."""
        return round(100.0 * (1.0 - self.filler_share), 1)

    def worst(self, limit: int = 15) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (-f.share, f.where, f.kind))[:limit]

    def format(self, limit: int = 15) -> str:
        lines = [f"realism score {self.score} / 100: {len(self.filler_columns)} of {self.columns_examined} "
                 f"columns look like filler ({self.filler_share:.0%})"]
        for f in self.worst(limit):
            lines.append(f"  {f.where:<48} {f.kind:<18} {f.share:>5.0%}  {f.detail}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- pure checks

def is_salad(value: str) -> bool:
    """Random common words glued together: 'success three direction', 'Alone Bank', 'remain behavior let'."""
    text = value.strip()
    if WORD_N.match(text):
        return True
    if re.search(r"[0-9@/:#$%&]", text):
        return False   # emails, URLs, codes, amounts: not lorem
    tokens = re.findall(r"[A-Za-z']+", text)
    if len(tokens) < 2:
        return False
    words = [t.lower() for t in tokens]
    lorem = lorem_words()
    in_lorem = sum(w in lorem for w in words) / len(words)
    functional = sum(w in FUNCTION_WORDS for w in words) / len(words)
    if len(words) <= 4:
        return in_lorem == 1.0 and functional == 0.0
    return in_lorem >= 0.9 and functional < 0.12


def salad_share(values: list[str]) -> float:
    """Share of distinct values that are salad, 0 when the column's words repeat like a real pool's.

    Random draws from ~1,000 words almost never repeat a word, while real labels built from common
    words do ("General Manager", "Sales Manager", "Office Manager"): a column whose salad values reuse
    their words (fewer than WORD_VARIETY distinct words per word) is not called filler.
    """
    distinct = {v for v in values if v and v.strip()}
    salad = [v for v in distinct if is_salad(v)]
    if not salad:
        return 0.0
    words = [w.lower() for v in salad for w in re.findall(r"[A-Za-z']+", v)]
    if len(salad) >= 3 and not any(WORD_N.match(v.strip()) for v in salad) and len(set(words)) < WORD_VARIETY * len(words):
        return 0.0
    return len(salad) / len(distinct)


def _is_numeric_default(column: Column, value) -> bool:
    """A number left at the schema's own literal default (a counter at 0, a rate at 4.99) is not filler."""
    match = re.match(r"^\(?'?(-?[0-9.]+)'?\)?(::[\w ]+)?$", column.default or "")
    try:
        return bool(match) and float(match.group(1)) == float(value)
    except (TypeError, ValueError):
        return False


def allowed_single_value(column: Column, table: Table) -> bool:
    """A CHECK that allows exactly one value makes a constant column correct."""
    for check in table.checks:
        if check.columns == [column.name]:
            inner = re.search(r"ARRAY\[(.*)\]", check.expression)
            literals = re.findall(r"'((?:[^']|'')*)'", inner.group(1) if inner else check.expression)
            if len(set(literals)) == 1 and ("= ANY" in check.expression or " = '" in check.expression):
                return True
    return False


def column_findings(table: Table, column: Column, values: list) -> list[Finding]:
    """Findings for one column from its sampled values (NULLs included)."""
    present = [v for v in values if v is not None]
    found: list[Finding] = []
    name, where = column.name, table.qualified
    if len(present) >= MIN_ROWS:
        distinct = set(map(str, present))
        boolean_with_default = column.base_type_name == "bool" and column.default is not None
        if len(distinct) == 1 and not boolean_with_default and not allowed_single_value(column, table) \
                and not _is_numeric_default(column, present[0]):
            found.append(Finding(where, name, "constant", 1.0, f"every one of {len(present)} rows is {present[0]!r}"))
        elif column.type_category == "N" and not column.is_array and len(distinct) > 1 and distinct != {"0", "1"}:
            # (a 0/1 integer is a flag: mostly one of its two values, as a boolean is)
            low, high = min(present), max(present)
            for label, bound in (("minimum", low), ("maximum", high)):
                share = sum(1 for v in present if v == bound) / len(present)
                if share >= BOUND_SHARE:
                    found.append(Finding(where, name, "at_bound", share, f"{share:.0%} of rows sit at the {label} {bound}"))
    if column.type_category == "S" and not column.enum_labels and not column.is_array:
        texts = [str(v) for v in present]
        # slugs and tokens carry "-N" de-duplication suffixes by design
        share = 0.0 if IDENTIFIER_NAME.search(name) else salad_share(texts)
        if texts and share >= SALAD_SHARE:
            example = next(v for v in texts if is_salad(v))
            found.append(Finding(where, name, "word_salad", share, f"e.g. {example[:60]!r}"))
        if CURRENCY_NAME.search(name) and texts:
            bad = [v for v in texts if v.strip().upper() not in ISO_4217]
            if bad:
                found.append(Finding(where, name, "not_iso_currency", len(bad) / len(texts), f"e.g. {bad[0][:30]!r}"))
        # a bare `state` beside no address is a workflow state (a milestone's open/closed), not a place
        addressed = any(re.search(r"city|zip|postal|country|address|street", c.name) for c in table.columns)
        if PLACE_NAME.search(name) and texts and (name != "state" or addressed):
            bad = [v for v in texts if v.strip().lower() in STATUS_WORDS]
            if len(bad) >= len(texts) / 2:
                found.append(Finding(where, name, "status_as_place", len(bad) / len(texts), f"e.g. {bad[0]!r}"))
        if INTERVAL_NAME.match(name) and texts:
            bad = [v for v in texts if v.strip().lower() not in INTERVAL_UNITS]
            if bad:
                found.append(Finding(where, name, "not_interval_unit", len(bad) / len(texts), f"e.g. {bad[0][:30]!r}"))
    if column.type_category == "D" and PAST_NAME.match(name) and present:
        import datetime as dt
        now = dt.datetime.now(dt.timezone.utc)
        def future(v) -> bool:
            if isinstance(v, dt.datetime):
                return (v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)) > now
            return isinstance(v, dt.date) and v > now.date()
        ahead = sum(1 for v in present if future(v))
        if ahead:
            found.append(Finding(where, name, "in_future", ahead / len(present), f"{ahead} of {len(present)} rows after today"))
    return found


def ordered_pairs(table: Table) -> list[tuple[str, str]]:
    """Column pairs whose names say the first must not come after the second (same comparable type)."""
    by_name = {c.name: c for c in table.columns}
    pairs = []
    for column in table.columns:
        tokens = column.name.split("_")
        for i, token in enumerate(tokens):
            partner = PAIR_TOKENS.get(token)
            if not partner:
                continue
            other = "_".join(tokens[:i] + [partner] + tokens[i + 1:])
            if other in by_name:
                pairs.append((column.name, other))
    pairs += [(a, b) for a, b in EXTRA_PAIRS if a in by_name and b in by_name]
    comparable = [(a, b) for a, b in dict.fromkeys(pairs)
                  if by_name[a].type_category == by_name[b].type_category and by_name[a].type_category in {"D", "N"}
                  and not by_name[a].is_array and not by_name[b].is_array]
    return comparable


def _person_names(table: Table, rows: list[dict]) -> set[str]:
    names = {c.name for c in table.columns}
    if {"first_name", "last_name"} <= names:
        return {f"{r['first_name']} {r['last_name']}".lower() for r in rows if r.get("first_name") and r.get("last_name")}
    if "full_name" in names:
        return {str(r["full_name"]).lower() for r in rows if r.get("full_name")}
    return set()


# ---------------------------------------------------------------------------------------------- database

def _examined(table: Table) -> list[Column]:
    keys = {c for fk in table.foreign_keys for c in fk.columns} | set(table.primary_key.columns if table.primary_key else [])
    out = []
    for column in table.columns:
        if column.generated or column.identity or column.name in keys:
            continue
        if column.base_type_name in SKIP_TYPES or "nextval(" in (column.default or "").lower():
            continue
        out.append(column)
    return out


def _sample(conn: psycopg.Connection, table: Table, columns: list[str], limit: int) -> list[dict]:
    query = sql.SQL("SELECT {} FROM {} LIMIT {}").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.Identifier(table.schema_name, table.name), sql.Literal(limit))
    cursor = conn.execute(query)
    names = [d.name for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def score_tables(conn: psycopg.Connection, snapshot: SchemaSnapshot, tables: list[str], *, sample: int = 2000) -> RealismReport:
    """Score the named tables (schema.table) of a snapshot; partitions are read through their parent."""
    report = RealismReport()
    people: list[tuple[str, set[str]]] = []
    for name in tables:
        table = snapshot.table(name)
        # a framework's migration log or job queue is never seeded: its rows are the app's own, not ours to score
        if table is None or table.partition_of or framework_table(table):
            continue
        columns = _examined(table)
        pairs = ordered_pairs(table)
        wanted = list(dict.fromkeys([c.name for c in columns] + [c for p in pairs for c in p] +
                                    [c for c in ("first_name", "last_name", "full_name") if table.column(c)]))
        if not wanted:
            continue
        rows = _sample(conn, table, wanted, sample)
        report.columns_examined += len(columns)
        for column in columns:
            report.findings += column_findings(table, column, [r[column.name] for r in rows])
        for first, second in pairs:
            both = [(r[first], r[second]) for r in rows if r[first] is not None and r[second] is not None]
            bad = sum(1 for a, b in both if a > b)
            if bad:
                report.findings.append(Finding(name, f"{first}>{second}", "inverted", bad / len(both),
                                               f"{bad} of {len(both)} rows have {first} after {second}"))
        names = _person_names(table, rows)
        if len(names) >= 5:
            for other, other_names in people:
                overlap = len(names & other_names) / min(len(names), len(other_names))
                if overlap >= 0.5:
                    report.findings.append(Finding(name, "first_name/last_name" if table.column("first_name") else "full_name",
                                                   "same_people", overlap, f"{overlap:.0%} of names also in {other}"))
                    break
            people.append((name, names))
    return report


def user_tables(snapshot: SchemaSnapshot, schemas: list[str] | None = None) -> list[str]:
    """Tables worth scoring: the given schemas, else every schema but Supabase's and supaseed's own."""
    return [t.qualified for t in snapshot.tables if not t.partition_of and
            (t.schema_name in schemas if schemas else t.schema_name not in SYSTEM_SCHEMAS | {ledger.schema()})]


def score_database(conn: psycopg.Connection, schemas: list[str] | None = None, *, sample: int = 2000) -> RealismReport:
    snapshot = take_snapshot(conn)
    return score_tables(conn, snapshot, user_tables(snapshot, schemas), sample=sample)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supaseed_pipeline.realism",
                                     description="Score how real a seeded database's values look.")
    parser.add_argument("--database-url", required=True, help="postgresql://… of the seeded database")
    parser.add_argument("--schema", action="append", dest="schemas",
                        help="schema to score (repeatable; default: every non-system schema)")
    parser.add_argument("--top", type=int, default=15, help="how many of the worst columns to print")
    parser.add_argument("--sample", type=int, default=2000, help="rows read per table")
    args = parser.parse_args(argv)
    from supaseed_pipeline.db.connect import Target, connect
    from supaseed_pipeline.errors import SupaseedError
    try:
        with connect(Target(args.database_url)) as conn:
            report = score_database(conn, args.schemas, sample=args.sample)
    except SupaseedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        from supaseed_pipeline.errors import redact
        print(f"error: {redact(str(exc).strip().splitlines()[0])}", file=sys.stderr)
        return 1
    print(report.format(args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
