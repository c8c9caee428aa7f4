"""CHECK texts -> DNF rules: pure table-driven cases, three-valued `satisfies`, and the server's real deparse."""

from __future__ import annotations

import json
import struct
from datetime import date, datetime, timezone
from decimal import Decimal

import psycopg
import pytest

from supaseed_pipeline.db.connect import connect
from supaseed_pipeline.plan.checks import OPS, Atom, ColumnRef, parse_check, rule_columns, satisfies


def A(column: str, op: str, value=None) -> Atom:
    return Atom(column, op, value)


def ALL(*atoms: Atom):
    """A rule with a single conjunction."""
    return (tuple(atoms),)


def ANY(*conjunctions):
    """A rule with several conjunctions; a bare Atom is a one-atom conjunction."""
    return tuple(c if isinstance(c, tuple) else (c,) for c in conjunctions)


PERSONAL_SLUG = ANY((A("is_personal_account", "=", True), A("slug", "is null")),
                    (A("is_personal_account", "=", False), A("slug", "is not null")))
REAL_0_1 = struct.unpack("f", struct.pack("f", 0.1))[0]

PARSED = [
    # the real examples
    ("CHECK ((((is_personal_account = true) AND (slug IS NULL)) OR ((is_personal_account = false) "
     "AND (slug IS NOT NULL))))", PERSONAL_SLUG),
    ("CHECK (((is_personal_account AND (slug IS NULL)) OR ((NOT is_personal_account) AND (slug IS NOT NULL))))",
     PERSONAL_SLUG),
    ("CHECK ((hierarchy_level > 0))", ALL(A("hierarchy_level", ">", 0))),
    ("CHECK (((email_change_confirm_status >= 0) AND (email_change_confirm_status <= 2)))",
     ALL(A("email_change_confirm_status", ">=", 0), A("email_change_confirm_status", "<=", 2))),
    ("CHECK ((difficulty = ANY (ARRAY['beginner'::text, 'intermediate'::text])))",
     ALL(A("difficulty", "in", ("beginner", "intermediate")))),
    ("CHECK (((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))",
     ALL(A("status", "in", ("a", "b")))),
    ("CHECK ((char_length(title) >= 3))", ALL(A("title", "len>=", 3))),
    ("CHECK (((price > (0)::numeric) AND (price < (20000)::numeric)))",
     ALL(A("price", ">", 0), A("price", "<", 20000))),
    ("CHECK ((slug ~ '^[a-z0-9-]+$'::text))", ALL(A("slug", "~", "^[a-z0-9-]+$"))),
    ("CHECK ((updated_at >= created_at))", ALL(A("updated_at", ">=", ColumnRef("created_at")))),
    ("CHECK ((VALUE > 0))", ALL(A("VALUE", ">", 0))),
    (r"CHECK ((VALUE ~ '^\d{5}$'::text))", ALL(A("VALUE", "~", r"^\d{5}$"))),
    ("CHECK (((a IS NOT NULL) OR (b IS NOT NULL)))", ANY(A("a", "is not null"), A("b", "is not null"))),
    # wrapper, flags, parentheses
    ("CHECK ((a < 100)) NOT VALID", ALL(A("a", "<", 100))),
    ("CHECK ((a < 100)) NO INHERIT", ALL(A("a", "<", 100))),
    ("CHECK ((a < 100)) NOT ENFORCED", ALL(A("a", "<", 100))),
    ("price >= 0", ALL(A("price", ">=", 0))),
    ("CHECK ((((((a)) > ((0))))))", ALL(A("a", ">", 0))),
    ("check (a > 0 and b > 0)", ALL(A("a", ">", 0), A("b", ">", 0))),
    # casts on either side
    ("CHECK ((name <> 'a'::text))", ALL(A("name", "<>", "a"))),
    ("CHECK ((r > '2024-01-01'::date))", ALL(A("r", ">", "2024-01-01"))),
    ("CHECK ((s > '2024-01-01 00:00:00+00'::timestamp with time zone))",
     ALL(A("s", ">", "2024-01-01 00:00:00+00"))),
    ("CHECK ((e > '2024-01-01 10:00:00'::timestamp without time zone))", ALL(A("e", ">", "2024-01-01 10:00:00"))),
    ("CHECK ((t > '-1'::integer))", ALL(A("t", ">", -1))),
    ("CHECK ((t > (- 1)))", ALL(A("t", ">", -1))),
    ("CHECK (((a)::numeric > (- '1'::numeric)))", ALL(A("a", ">", -1))),
    ("CHECK ((x > ('-1.5'::numeric)::double precision))", ALL(A("x", ">", -1.5))),
    ("CHECK ((x > (0)::double precision))", ALL(A("x", ">", 0))),
    ("CHECK (((a)::double precision > (0.1)::real))", ALL(A("a", ">", REAL_0_1))),
    ("CHECK ((au > '2147483648'::bigint))", ALL(A("au", ">", 2147483648))),
    ("CHECK ((av > '10000000000'::numeric))", ALL(A("av", ">", 10000000000))),
    ("CHECK ((c = ANY ('{a,b}'::text[])))", ALL(A("c", "in", ("a", "b")))),
    ("CHECK ((c = ANY ('{1,2}'::integer[])))", ALL(A("c", "in", (1, 2)))),
    ("""CHECK ((c = ANY ('{"a b",NULL,"x,y","q\\"t"}'::text[])))""",
     ALL(A("c", "in", ("a b", None, "x,y", 'q"t')))),
    ("CHECK (((code)::text = 'abc'::character varying(50)))", ALL(A("code", "=", "abc"))),
    ("CHECK ((aj > 'a'::\"char\"))", ALL(A("aj", ">", "a"))),
    ("CHECK ((ax = 'abc'::bpchar))", ALL(A("ax", "=", "abc"))),
    ("CHECK ((m <> 'sad'::public.mood))", ALL(A("m", "<>", "sad"))),
    ("CHECK ((m <> 'sad'::\"Mood\"))", ALL(A("m", "<>", "sad"))),
    ("CHECK ((u = '0e8400e2-9b1d-41d4-a716-446655440000'::uuid))",
     ALL(A("u", "=", "0e8400e2-9b1d-41d4-a716-446655440000"))),
    ("CHECK ((flag = 't'::boolean))", ALL(A("flag", "=", True))),
    # literals
    ("CHECK ((w > 1.5))", ALL(A("w", ">", 1.5))),
    ("CHECK ((w > .5))", ALL(A("w", ">", 0.5))),
    ("CHECK ((w >= -3))", ALL(A("w", ">=", -3))),
    ("CHECK ((v <> 'it''s'::text))", ALL(A("v", "<>", "it's"))),
    ("CHECK ((v <> E'it\\'s\\n'))", ALL(A("v", "<>", "it's\n"))),
    ("CHECK ((v <> E'\\x41\\u00e9\\101'))", ALL(A("v", "<>", "AéA"))),
    ("CHECK ((aq = 'a\tb'::text))", ALL(A("aq", "=", "a\tb"))),
    ("CHECK ((a = NULL::integer))", ALL(A("a", "=", None))),
    # lists
    ("CHECK ((x IN (1, 2)))", ALL(A("x", "in", (1, 2)))),
    ("CHECK ((x NOT IN ('a', 'b')))", ALL(A("x", "not in", ("a", "b")))),
    ("CHECK (((e)::text <> ALL ((ARRAY['x'::character varying, 'y'::character varying])::text[])))",
     ALL(A("e", "not in", ("x", "y")))),
    ("CHECK (((ay = ANY (ARRAY[1, 2])) OR (ay IS NULL)))", ANY(A("ay", "in", (1, 2)), A("ay", "is null"))),
    ("CHECK ((x > ANY (ARRAY[1, 5])))", ANY(A("x", ">", 1), A("x", ">", 5))),
    ("CHECK ((x <> ANY (ARRAY[1, 5])))", ANY(A("x", "<>", 1), A("x", "<>", 5))),
    ("CHECK ((x = ALL (ARRAY[1, 1])))", ALL(A("x", "=", 1))),
    ("CHECK ((x ~ ANY (ARRAY['^a'::text, '^b'::text])))", ANY(A("x", "~", "^a"), A("x", "~", "^b"))),
    ("CHECK ((length(x) = ANY (ARRAY[2, 4])))", ANY(A("x", "len=", 2), A("x", "len=", 4))),
    ("CHECK ((x = ANY ('{}'::integer[])))", ()),
    ("CHECK ((x <> ALL ('{}'::integer[])))", ((),)),
    # comparisons, column on either side, column vs column
    ("CHECK ((0 < a))", ALL(A("a", ">", 0))),
    ("CHECK (('-1'::integer <= u))", ALL(A("u", ">=", -1))),
    ("CHECK ((5 = a))", ALL(A("a", "=", 5))),
    ("CHECK ((5 <> a))", ALL(A("a", "<>", 5))),
    ("CHECK ((10 >= a))", ALL(A("a", "<=", 10))),
    ("CHECK ((a != 3))", ALL(A("a", "<>", 3))),
    ("CHECK ((af > a))", ALL(A("af", ">", ColumnRef("a")))),
    ("CHECK (((ends_on)::text <> (starts_on)::text))", ALL(A("ends_on", "<>", ColumnRef("starts_on")))),
    # BETWEEN
    ("CHECK ((b BETWEEN 1 AND 10))", ALL(A("b", ">=", 1), A("b", "<=", 10))),
    ("CHECK ((b NOT BETWEEN 1 AND 10))", ANY(A("b", "<", 1), A("b", ">", 10))),
    ("CHECK ((b BETWEEN SYMMETRIC 1 AND 10))",
     ANY((A("b", ">=", 1), A("b", "<=", 10)), (A("b", ">=", 10), A("b", "<=", 1)))),
    ("CHECK ((b BETWEEN 1 AND 10 AND c > 0))", ALL(A("b", ">=", 1), A("b", "<=", 10), A("c", ">", 0))),
    ("CHECK ((b BETWEEN lo AND hi))", ALL(A("b", ">=", ColumnRef("lo")), A("b", "<=", ColumnRef("hi")))),
    # NULL tests
    ("CHECK ((x IS NULL))", ALL(A("x", "is null"))),
    ("CHECK ((x IS NOT NULL))", ALL(A("x", "is not null"))),
    ("CHECK ((NOT (x IS NULL)))", ALL(A("x", "is not null"))),
    ("CHECK ((x ISNULL))", ALL(A("x", "is null"))),
    ("CHECK (((x)::text IS NOT NULL))", ALL(A("x", "is not null"))),
    # boolean columns and IS TRUE / FALSE
    ("CHECK (is_personal_account)", ALL(A("is_personal_account", "=", True))),
    ("CHECK ((NOT is_personal_account))", ALL(A("is_personal_account", "=", False))),
    ("CHECK ((flag = true))", ALL(A("flag", "=", True))),
    ("CHECK ((flag = false))", ALL(A("flag", "=", False))),
    ("CHECK ((flag <> false))", ALL(A("flag", "<>", False))),
    ("CHECK ((NOT (flag = true)))", ALL(A("flag", "=", False))),
    ("CHECK ((NOT (flag <> true)))", ALL(A("flag", "=", True))),
    ("CHECK ((flag IS TRUE))", ALL(A("flag", "=", True), A("flag", "is not null"))),
    ("CHECK ((flag IS FALSE))", ALL(A("flag", "=", False), A("flag", "is not null"))),
    ("CHECK ((flag IS NOT TRUE))", ANY(A("flag", "=", False), A("flag", "is null"))),
    ("CHECK ((flag IS NOT FALSE))", ANY(A("flag", "=", True), A("flag", "is null"))),
    ("CHECK (((bb = 3) IS NOT FALSE))", ANY(A("bb", "=", 3), A("bb", "is null"))),
    ("CHECK (((a > 1) IS TRUE))", ALL(A("a", ">", 1), A("a", "is not null"))),
    ("CHECK (((a > b) IS TRUE))", ALL(A("a", ">", ColumnRef("b")), A("a", "is not null"), A("b", "is not null"))),
    ("CHECK (((a = ANY (ARRAY[1, NULL])) IS TRUE))", ALL(A("a", "in", (1,)), A("a", "is not null"))),
    ("CHECK (((a <> ALL (ARRAY[1, NULL])) IS TRUE))", ()),
    ("CHECK (((bb > 1) = true))", ALL(A("bb", ">", 1))),
    ("CHECK (((bb > 1) = false))", ALL(A("bb", "<=", 1))),
    ("CHECK ((true = (bb > 1)))", ALL(A("bb", ">", 1))),
    ("CHECK (((bb > 1) <> true))", ALL(A("bb", "<=", 1))),
    # IS [NOT] DISTINCT FROM
    ("CHECK ((aw IS DISTINCT FROM 'a'::text))", ANY(A("aw", "<>", "a"), A("aw", "is null"))),
    ("CHECK ((NOT (aw IS DISTINCT FROM 'a'::text)))", ALL(A("aw", "=", "a"), A("aw", "is not null"))),
    ("CHECK ((aw IS NOT DISTINCT FROM NULL::text))", ALL(A("aw", "is null"))),
    ("CHECK (((a > 1) IS DISTINCT FROM true))", ANY(A("a", "<=", 1), A("a", "is null"))),
    # length functions
    ("CHECK ((length(g) <= 5))", ALL(A("g", "len<=", 5))),
    ("CHECK ((char_length((h)::text) >= 3))", ALL(A("h", "len>=", 3))),
    ("CHECK ((character_length(h) < 30))", ALL(A("h", "len<", 30))),
    ("CHECK ((length((i)::text) >= 3))", ALL(A("i", "len>=", 3))),
    ("CHECK ((3 < length(i)))", ALL(A("i", "len>", 3))),
    ("CHECK ((length(i) <> 0))", ALL(A("i", "len<>", 0))),
    ("CHECK ((length(i) = 0))", ALL(A("i", "len=", 0))),
    ("CHECK ((pg_catalog.length(i) > 0))", ALL(A("i", "len>", 0))),
    ("CHECK ((NOT (length(i) > 5)))", ALL(A("i", "len<=", 5))),
    ("CHECK ((length(i) IS NOT NULL))", ALL(A("i", "is not null"))),
    # patterns
    ("CHECK ((j ~ '^[a-z]+$'::text))", ALL(A("j", "~", "^[a-z]+$"))),
    ("CHECK ((j ~* 'abc'::text))", ALL(A("j", "~*", "abc"))),
    ("CHECK ((j !~ 'abc'::text))", ALL(A("j", "!~", "abc"))),
    ("CHECK ((k !~* 'abc'::text))", ALL(A("k", "!~*", "abc"))),
    ("CHECK (((ak)::text ~ 'x'::text))", ALL(A("ak", "~", "x"))),
    ("CHECK ((k ~~ 'a%'::text))", ALL(A("k", "like", "a%"))),
    ("CHECK ((m !~~ 'a%'::text))", ALL(A("m", "not like", "a%"))),
    ("CHECK ((k LIKE 'a%'))", ALL(A("k", "like", "a%"))),
    ("CHECK ((k NOT LIKE 'a%'))", ALL(A("k", "not like", "a%"))),
    # NOT, De Morgan
    ("CHECK ((NOT (y > 1)))", ALL(A("y", "<=", 1))),
    ("CHECK ((NOT (y >= 1)))", ALL(A("y", "<", 1))),
    ("CHECK ((NOT ((y > 1) AND (z < 2))))", ANY(A("y", "<=", 1), A("z", ">=", 2))),
    ("CHECK ((NOT ((y = 1) OR (z = 2))))", ALL(A("y", "<>", 1), A("z", "<>", 2))),
    ("CHECK ((NOT (NOT (y = 1))))", ALL(A("y", "=", 1))),
    ("CHECK ((NOT (c = ANY (ARRAY['x'::text, 'y'::text]))))", ALL(A("c", "not in", ("x", "y")))),
    ("CHECK ((NOT (c <> ALL (ARRAY['x'::text]))))", ALL(A("c", "in", ("x",)))),
    ("CHECK ((NOT (j ~ 'a'::text)))", ALL(A("j", "!~", "a"))),
    ("CHECK ((NOT (j !~* 'a'::text)))", ALL(A("j", "~*", "a"))),
    ("CHECK ((NOT (j ~~ 'a%'::text)))", ALL(A("j", "not like", "a%"))),
    ("CHECK ((NOT (x IS NOT NULL)))", ALL(A("x", "is null"))),
    ("CHECK ((NOT (x BETWEEN 1 AND 2)))", ANY(A("x", "<", 1), A("x", ">", 2))),
    ("CHECK ((NOT x > 1 AND y = 2))", ALL(A("x", "<=", 1), A("y", "=", 2))),
    # precedence without parentheses: AND binds tighter than OR
    ("a = 1 OR b = 2 AND c = 3", ANY(A("a", "=", 1), (A("b", "=", 2), A("c", "=", 3)))),
    # DNF distribution and deduplication
    ("CHECK ((((a = 1) OR (b = 1)) AND ((c = 1) OR (d = 1))))",
     ANY((A("a", "=", 1), A("c", "=", 1)), (A("a", "=", 1), A("d", "=", 1)),
         (A("b", "=", 1), A("c", "=", 1)), (A("b", "=", 1), A("d", "=", 1)))),
    ("CHECK ((((a = 1) OR (a = 1)) AND (a = 1)))", ALL(A("a", "=", 1))),
    ("CHECK (((a = 1) OR true))", ((),)),
    ("CHECK (((a = 1) AND false))", ()),
    ("CHECK (true)", ((),)),
    ("CHECK (false)", ()),
    # quoted identifiers
    ('CHECK (("Größe" > 0))', ALL(A("Größe", ">", 0))),
    ('CHECK (("Order ""Total""" > (0)::numeric))', ALL(A('Order "Total"', ">", 0))),
    ('CHECK (("Order Total" >= "Paid Amount"))', ALL(A("Order Total", ">=", ColumnRef("Paid Amount")))),
    ('CHECK (("VALUE" > 0))', ALL(A("VALUE", ">", 0))),
    ('CHECK (("select" IS NOT NULL))', ALL(A("select", "is not null"))),
    # domain forms
    ("CHECK ((VALUE = ANY (ARRAY[1, 2, 3])))", ALL(A("VALUE", "in", (1, 2, 3)))),
    ("CHECK (((VALUE)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])))",
     ALL(A("VALUE", "in", ("a", "b")))),
    ("CHECK ((length((VALUE)::text) > 1))", ALL(A("VALUE", "len>", 1))),
    ("CHECK ((VALUE IS NOT NULL))", ALL(A("VALUE", "is not null"))),
    ("CHECK ((value > 0))", ALL(A("value", ">", 0))),   # a column named value, not the domain value
]

NOT_TRANSLATED = [
    "lower(email) = email",
    "CHECK ((lower(email) = email))",
    "(a + b) > 0",
    "f(x)",
    "price * 2 < 10",
    "CHECK ((a > (b + 1)))",
    "CHECK (((- a) > 0))",
    "CHECK ((length(a) > length(b)))",
    "CHECK ((length(a) > 2.5))",
    "CHECK ((octet_length(al) < 5))",            # counts bytes, not characters
    "CHECK ((an ~~* 'a%'::text))",               # ILIKE has no op
    "CHECK ((an !~~* 'a%'::text))",
    "CHECK ((am ~ similar_to_escape('a%'::text)))",
    "CHECK ((k ~~ like_escape('a#%'::text, '#'::text)))",
    "CHECK ((COALESCE(az, ''::text) <> 'x'::text))",
    "CHECK (((ba COLLATE \"C\") > 'a'::text))",
    "CHECK ((at > now()))",
    "CHECK (((bi)::double precision > 'NaN'::double precision))",
    "CHECK ((x < 'Infinity'::numeric))",
    "CHECK ((aa <> '{a,b}'::text[]))",
    "CHECK (('x'::text = ANY (tags)))",
    "CHECK ((x = ANY ('{{1,2},{3,4}}'::integer[])))",
    "CHECK (('abc'::text ~ pattern))",
    "CHECK ((c IS UNKNOWN))",
    "CHECK (((a > 1) IS NULL))",
    "CHECK ((t.a > 0))",
    "CHECK ((data <> '{}'::jsonb))",
    "CHECK ((d > '1 day'::interval))",
    "CHECK ((c = 'abcdef'::character varying(3)))",   # the cast truncates
    "CHECK ((c = 'ab'::\"char\"))",
    "CHECK ((c = (1.5)::integer))",                   # the cast rounds
    "CHECK ((c > (1.25)::numeric(3,1)))",
    "CHECK ((ts > '2024-01-01 00:00:00.5'::timestamp(0) without time zone))",
    "CHECK (((a)::integer > 1))",
    "CHECK (((a)::character varying(3) = 'abc'::text))",
    "CHECK (((a)::bigint > 1))",
    "CHECK ((CASE WHEN a THEN b ELSE c END))",
    "CHECK ((tags[1] = 'x'::text))",
    "CHECK (((ts AT TIME ZONE 'UTC'::text) > '2024-01-01'::timestamp without time zone))",
    "CHECK (((data ->> 'k'::text) = 'x'::text))",
    "CHECK ((1 < 2))",
    "CHECK ((NULL::boolean))",
    "CHECK ((a > 0)",                 # unbalanced
    "CHECK ((a > ))",
    "CHECK ((a > 0)) NOT DEFERRABLE",
    "CHECK ((a = 'unterminated))",
    "CHECK (((a, b) IS NOT NULL))",
    "CHECK ((a < b < c))",
    "",
    "CHECK ((a LIKE 'x#%' ESCAPE '#'))",
    "CHECK ((a SIMILAR TO 'x%'))",
    "CHECK ((public.valid_email(email)))",
    "CHECK ((a > ALL (SELECT 1)))",
    # 2**7 = 128 conjunctions, above the cap
    "CHECK (" + " AND ".join(f"((a{i} = 1) OR (b{i} = 1))" for i in range(7)) + ")",
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[text for text, _ in PARSED])
def test_parse_check(text, expected):
    assert parse_check(text) == expected


@pytest.mark.parametrize("text", NOT_TRANSLATED, ids=NOT_TRANSLATED)
def test_not_translated(text):
    assert parse_check(text) is None


def test_never_raises_on_non_text():
    assert parse_check(None) is None
    assert parse_check(b"CHECK ((a > 0))") is None


def test_value_types():
    assert type(parse_check("CHECK ((a > (0)::numeric))")[0][0].value) is int
    assert type(parse_check("CHECK ((a > 1.0))")[0][0].value) is float
    assert type(parse_check("CHECK ((a > '1'::text))")[0][0].value) is str
    assert parse_check("CHECK ((flag = true))")[0][0].value is True
    assert parse_check("CHECK ((NOT flag))")[0][0].value is False


def test_dnf_cap_boundary():
    text = "CHECK (" + " AND ".join(f"((a{i} = 1) OR (b{i} = 1))" for i in range(6)) + ")"
    rule = parse_check(text)
    assert rule is not None and len(rule) == 64
    assert all(len(conjunction) == 6 for conjunction in rule)


def test_all_ops_are_known():
    for text, expected in PARSED:
        for conjunction in expected:
            assert all(atom.op in OPS for atom in conjunction), text


def test_rule_columns():
    assert rule_columns(PERSONAL_SLUG) == {"is_personal_account", "slug"}
    assert rule_columns(parse_check("CHECK ((updated_at >= created_at))")) == {"updated_at", "created_at"}
    assert rule_columns(parse_check("CHECK (true)")) == set()


def test_distinct_columns():
    rule = parse_check("CHECK ((a IS DISTINCT FROM b))")
    assert rule is not None
    expected = {(1, 1): False, (1, 2): True, (None, 1): True, (1, None): True, (None, None): False}
    for (a, b), result in expected.items():
        assert satisfies(rule, {"a": a, "b": b}) is result, (a, b)


# --------------------------------------------------------------------------------------------
# satisfies: three-valued logic
# --------------------------------------------------------------------------------------------

SATISFIES = [
    ("CHECK ((a > 0))", {"a": 1}, True),
    ("CHECK ((a > 0))", {"a": 0}, False),
    ("CHECK ((a > 0))", {"a": None}, True),
    ("CHECK (((a > 0) AND (b > 0)))", {"a": None, "b": -1}, False),
    ("CHECK (((a > 0) AND (b > 0)))", {"a": None, "b": 1}, True),
    ("CHECK (((a > 0) OR (b > 0)))", {"a": -1, "b": None}, True),
    ("CHECK (((a > 0) OR (b > 0)))", {"a": -1, "b": -1}, False),
    ("CHECK (((a IS NOT NULL) OR (b IS NOT NULL)))", {"a": None, "b": None}, False),
    ("CHECK (((a IS NOT NULL) OR (b IS NOT NULL)))", {"a": None, "b": 3}, True),
    ("CHECK ((a IS NULL))", {"a": 0}, False),
    ("CHECK ((x = ANY (ARRAY[1, NULL])))", {"x": 1}, True),
    ("CHECK ((x = ANY (ARRAY[1, NULL])))", {"x": 2}, True),        # NULL, so it passes
    ("CHECK ((x = ANY (ARRAY[1, 2])))", {"x": 3}, False),
    ("CHECK ((x = ANY (ARRAY[1, 2])))", {"x": None}, True),
    ("CHECK ((x <> ALL (ARRAY[1, NULL])))", {"x": 1}, False),
    ("CHECK ((x <> ALL (ARRAY[1, NULL])))", {"x": 2}, True),
    ("CHECK ((x = ANY ('{}'::integer[])))", {"x": None}, False),
    ("CHECK ((x = 'b'::text))", {"x": "b"}, True),
    ("CHECK ((x = NULL::text))", {"x": "b"}, True),
    ("CHECK ((flag IS TRUE))", {"flag": None}, False),
    ("CHECK ((flag IS NOT FALSE))", {"flag": None}, True),
    ("CHECK ((flag IS NOT FALSE))", {"flag": False}, False),
    ("CHECK ((NOT flag))", {"flag": True}, False),
    ("CHECK ((aw IS DISTINCT FROM 'a'::text))", {"aw": None}, True),
    ("CHECK ((aw IS DISTINCT FROM 'a'::text))", {"aw": "a"}, False),
    ("CHECK ((updated_at >= created_at))",
     {"updated_at": datetime(2024, 1, 2, tzinfo=timezone.utc), "created_at": datetime(2024, 1, 1, tzinfo=timezone.utc)},
     True),
    ("CHECK ((updated_at >= created_at))",
     {"updated_at": datetime(2024, 1, 1, tzinfo=timezone.utc), "created_at": datetime(2024, 1, 2, tzinfo=timezone.utc)},
     False),
    ("CHECK ((updated_at >= created_at))", {"updated_at": None, "created_at": datetime(2024, 1, 2)}, True),
    ("CHECK ((r > '2024-01-01'::date))", {"r": date(2024, 1, 2)}, True),
    ("CHECK ((r > '2024-01-01'::date))", {"r": date(2023, 12, 31)}, False),
    ("CHECK ((s > '2024-01-01 00:00:00+00'::timestamp with time zone))",
     {"s": datetime(2023, 12, 31, 23, 0, tzinfo=timezone.utc)}, False),
    ("CHECK ((price > (0)::numeric))", {"price": Decimal("0.01")}, True),
    ("CHECK ((price > (0)::numeric))", {"price": Decimal("0")}, False),
    ("CHECK ((price > '0.5'::numeric))", {"price": Decimal("0.50")}, False),
    (r"CHECK ((VALUE ~ '^\d{5}$'::text))", {"VALUE": "12345"}, True),
    (r"CHECK ((VALUE ~ '^\d{5}$'::text))", {"VALUE": "1234"}, False),
    (r"CHECK ((VALUE ~ '^\d{5}$'::text))", {"VALUE": "12345\n"}, False),
    ("CHECK ((v ~ '^[[:alpha:]]+$'::text))", {"v": "abC"}, True),
    ("CHECK ((v ~ '^[[:alpha:]]+$'::text))", {"v": "ab1"}, False),
    ("CHECK ((v ~* '^abc'::text))", {"v": "ABCd"}, True),
    ("CHECK ((v !~ '^abc'::text))", {"v": "abcd"}, False),
    ("CHECK ((v ~~ 'a_c%'::text))", {"v": "abcd"}, True),
    ("CHECK ((v ~~ 'a_c%'::text))", {"v": "xabc"}, False),
    ("CHECK ((v !~~ '100\\%'::text))", {"v": "100%"}, False),
    ("CHECK ((v !~~ '100\\%'::text))", {"v": "1000"}, True),
    ("CHECK ((char_length(title) >= 3))", {"title": "ab"}, False),
    ("CHECK ((char_length(title) >= 3))", {"title": "abc"}, True),
    ("CHECK ((char_length(title) >= 3))", {"title": None}, True),
]


@pytest.mark.parametrize(("text", "row", "expected"), SATISFIES, ids=[f"{t} {r}" for t, r, _ in SATISFIES])
def test_satisfies(text, row, expected):
    rule = parse_check(text)
    assert rule is not None
    assert satisfies(rule, row) is expected


@pytest.mark.parametrize(("is_personal", "slug", "expected"), [
    (True, None, True), (True, "x", False), (False, "x", True), (False, None, False),
    (None, None, True),   # (NULL AND true) OR (NULL AND false) is NULL: the CHECK passes
    (None, "x", True),
])
def test_satisfies_personal_slug(is_personal, slug, expected):
    assert satisfies(PERSONAL_SLUG, {"is_personal_account": is_personal, "slug": slug}) is expected


def test_satisfies_constant_rules():
    assert satisfies(((),), {}) is True
    assert satisfies((), {}) is False


# --------------------------------------------------------------------------------------------
# The server's real deparse output (embedded PG18, and $SUPASEED_TEST_DATABASE_URL)
# --------------------------------------------------------------------------------------------

SCHEMA = r'''
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN us_zip AS text CONSTRAINT zip_format CHECK (VALUE ~ '^\d{5}$');
CREATE DOMAIN positive_int AS integer
    CONSTRAINT positive CHECK (VALUE > 0)
    CONSTRAINT not_unlucky CHECK (VALUE NOT IN (13, 666));
CREATE DOMAIN short_code AS varchar(10)
    CONSTRAINT code_length CHECK (char_length(VALUE) BETWEEN 2 AND 4)
    CONSTRAINT code_known CHECK (VALUE IN ('ab', 'abc', 'xyz1'));
CREATE DOMAIN amount AS numeric(8, 2)
    CONSTRAINT amount_range CHECK (VALUE >= 0.5 AND VALUE < 1000);
CREATE TABLE checked (
    is_personal_account boolean,
    slug text,
    hierarchy_level int,
    email_change_confirm_status smallint,
    difficulty text,
    status varchar(20),
    title varchar(100),
    price numeric(10, 2),
    created_at timestamptz,
    updated_at timestamptz,
    a int,
    b int,
    "Größe" int,
    "Order ""Total""" numeric,
    rating real,
    released date,
    code text,
    state mood,
    flag boolean,
    CONSTRAINT personal_slug CHECK ((is_personal_account = true AND slug IS NULL)
                                    OR (is_personal_account = false AND slug IS NOT NULL)),
    CONSTRAINT personal_slug_bare CHECK ((is_personal_account AND slug IS NULL)
                                         OR (NOT is_personal_account AND slug IS NOT NULL)),
    CONSTRAINT level_positive CHECK (hierarchy_level > 0),
    CONSTRAINT confirm_status_range CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2),
    CONSTRAINT difficulty_known CHECK (difficulty IN ('beginner', 'intermediate')),
    CONSTRAINT status_known CHECK (status IN ('a', 'b')),
    CONSTRAINT title_length CHECK (char_length(title) >= 3),
    CONSTRAINT price_range CHECK (price > 0 AND price < 20000),
    CONSTRAINT slug_format CHECK (slug ~ '^[a-z0-9-]+$'),
    CONSTRAINT updated_after_created CHECK (updated_at >= created_at),
    CONSTRAINT a_or_b CHECK (a IS NOT NULL OR b IS NOT NULL),
    CONSTRAINT size_range CHECK ("Größe" BETWEEN 1 AND 60),
    CONSTRAINT total_not_negative CHECK (NOT ("Order ""Total""" < 0)),
    CONSTRAINT rating_range CHECK (rating >= 0.5 AND rating <= 5),
    CONSTRAINT released_recent CHECK (released > '2000-01-01'),
    CONSTRAINT code_not_reserved CHECK (code NOT IN ('x', 'it''s')),
    CONSTRAINT code_not_tmp CHECK (code NOT LIKE 'tmp%'),
    CONSTRAINT code_length_odd CHECK (length(code) = ANY (ARRAY[1, 3, 5])),
    CONSTRAINT b_lower_bound CHECK (-10 < b),
    CONSTRAINT state_not_sad CHECK (state <> 'sad'),
    CONSTRAINT flag_not_false CHECK (flag IS NOT FALSE),
    CONSTRAINT a_not_seven CHECK (a IS DISTINCT FROM 7),
    CONSTRAINT not_both_large CHECK (NOT (a > 100 AND b > 100)),
    CONSTRAINT code_lowercase CHECK (lower(code) = code)
);
ALTER TABLE checked ADD CONSTRAINT a_small CHECK (a < 1000) NOT VALID;
'''

TABLE_RULES = {
    "personal_slug": PERSONAL_SLUG,
    "personal_slug_bare": PERSONAL_SLUG,
    "level_positive": ALL(A("hierarchy_level", ">", 0)),
    "confirm_status_range": ALL(A("email_change_confirm_status", ">=", 0), A("email_change_confirm_status", "<=", 2)),
    "difficulty_known": ALL(A("difficulty", "in", ("beginner", "intermediate"))),
    "status_known": ALL(A("status", "in", ("a", "b"))),
    "title_length": ALL(A("title", "len>=", 3)),
    "price_range": ALL(A("price", ">", 0), A("price", "<", 20000)),
    "slug_format": ALL(A("slug", "~", "^[a-z0-9-]+$")),
    "updated_after_created": ALL(A("updated_at", ">=", ColumnRef("created_at"))),
    "a_or_b": ANY(A("a", "is not null"), A("b", "is not null")),
    "size_range": ALL(A("Größe", ">=", 1), A("Größe", "<=", 60)),
    "total_not_negative": ALL(A('Order "Total"', ">=", 0)),
    "rating_range": ALL(A("rating", ">=", 0.5), A("rating", "<=", 5)),
    "released_recent": ALL(A("released", ">", "2000-01-01")),
    "code_not_reserved": ALL(A("code", "not in", ("x", "it's"))),
    "code_not_tmp": ALL(A("code", "not like", "tmp%")),
    "code_length_odd": ANY(A("code", "len=", 1), A("code", "len=", 3), A("code", "len=", 5)),
    "b_lower_bound": ALL(A("b", ">", -10)),
    "state_not_sad": ALL(A("state", "<>", "sad")),
    "flag_not_false": ANY(A("flag", "=", True), A("flag", "is null")),
    "a_not_seven": ANY(A("a", "<>", 7), A("a", "is null")),
    "not_both_large": ANY(A("a", "<=", 100), A("b", "<=", 100)),
    "code_lowercase": None,
    "a_small": ALL(A("a", "<", 1000)),
}

DOMAIN_RULES = {
    "zip_format": ALL(A("VALUE", "~", r"^\d{5}$")),
    "positive": ALL(A("VALUE", ">", 0)),
    "not_unlucky": ALL(A("VALUE", "not in", (13, 666))),
    "code_length": ALL(A("VALUE", "len>=", 2), A("VALUE", "len<=", 4)),
    "code_known": ALL(A("VALUE", "in", ("ab", "abc", "xyz1"))),
    "amount_range": ALL(A("VALUE", ">=", 0.5), A("VALUE", "<", 1000)),
}

UTC = timezone.utc
# rows probing both sides (and NULL) of every translated table CHECK; missing columns are NULL
SAMPLE_ROWS = [
    {},
    {"is_personal_account": True, "slug": None},
    {"is_personal_account": True, "slug": "acme"},
    {"is_personal_account": False, "slug": "acme-2"},
    {"is_personal_account": False, "slug": None},
    {"is_personal_account": None, "slug": "Bad Slug"},
    {"hierarchy_level": 0, "email_change_confirm_status": 2, "difficulty": "beginner", "status": "a"},
    {"hierarchy_level": 3, "email_change_confirm_status": 3, "difficulty": "expert", "status": "c"},
    {"title": "ab", "price": Decimal("0.00"), "a": 7, "b": 101},
    {"title": "abc", "price": Decimal("19999.99"), "a": 101, "b": 101},
    {"price": Decimal("20000.00"), "a": 101, "b": 100, "code": "tmp"},
    {"created_at": datetime(2024, 1, 2, tzinfo=UTC), "updated_at": datetime(2024, 1, 1, tzinfo=UTC)},
    {"created_at": datetime(2024, 1, 1, tzinfo=UTC), "updated_at": datetime(2024, 1, 1, tzinfo=UTC), "a": 1},
    {"Größe": 0, 'Order "Total"': Decimal("-0.01"), "rating": 0.25, "released": date(2000, 1, 1)},
    {"Größe": 60, 'Order "Total"': Decimal("0"), "rating": 5.0, "released": date(2000, 1, 2), "b": -10},
    {"Größe": 61, "rating": 5.5, "code": "it's", "state": "sad", "flag": False, "b": -9},
    {"code": "abc", "state": "ok", "flag": True, "a": 999},
    {"code": "abcd", "state": "happy", "a": 1000},
    {"code": "x", "a": None, "b": None},
    {"code": "tmpfile", "flag": None, "a": 6},
]

DOMAIN_SAMPLES = {
    "us_zip": ["12345", "1234", "123456", "12345\n", "abcde", None],
    "positive_int": [1, 0, -5, 13, 666, 14, None],
    "short_code": ["ab", "abc", "xyz1", "a", "abcd", "xyz", None],
    "amount": [Decimal("0.5"), Decimal("0.49"), Decimal("999.99"), Decimal("1000"), None],
}


def _constraint_texts(conn: psycopg.Connection) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """{name: (pg_get_constraintdef, owner)} for the table's CHECKs and for the domains' CHECKs."""
    rows = conn.execute(
        """
        SELECT c.conname, pg_get_constraintdef(c.oid), coalesce(r.relname, t.typname), c.contypid <> 0
        FROM pg_constraint c
        LEFT JOIN pg_class r ON r.oid = c.conrelid
        LEFT JOIN pg_type t ON t.oid = c.contypid
        WHERE c.contype = 'c' AND c.connamespace = 'public'::regnamespace
        """).fetchall()
    table = {name: (text, owner) for name, text, owner, is_domain in rows if not is_domain}
    domain = {name: (text, owner) for name, text, owner, is_domain in rows if is_domain}
    return table, domain


def _server_check_result(conn: psycopg.Connection, name: str, row: dict) -> bool:
    """Whether the server lets `row` pass the table CHECK `name` (true or NULL)."""
    expression = conn.execute(
        "SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conname = %s AND conrelid = 'checked'::regclass",
        [name]).fetchone()[0]
    document = json.dumps(row, default=str)
    expression = expression.replace("%", "%%")   # LIKE patterns are not placeholders
    result = conn.execute(f"SELECT {expression} FROM json_populate_record(NULL::checked, %s::json)",
                          [document]).fetchone()[0]
    return result is not False


def _server_domain_accepts(conn: psycopg.Connection, domain: str, value) -> bool:
    try:
        with conn.transaction():
            conn.execute(f"SELECT %s::{domain}", [None if value is None else str(value)])
        return True
    except psycopg.errors.CheckViolation:
        return False


def test_real_deparse_parses(fresh_db):
    """Every CHECK, as the server itself deparses it, gives the expected rule."""
    with connect(fresh_db) as conn:
        conn.execute(SCHEMA)
        table, domain = _constraint_texts(conn)
        assert set(table) == set(TABLE_RULES)
        assert set(domain) == set(DOMAIN_RULES)
        for name, expected in TABLE_RULES.items():
            assert parse_check(table[name][0]) == expected, (name, table[name][0])
        for name, expected in DOMAIN_RULES.items():
            assert parse_check(domain[name][0]) == expected, (name, domain[name][0])


def test_satisfies_agrees_with_server(fresh_db):
    """On sample rows, `satisfies` gives the server's own verdict for each translated CHECK."""
    with connect(fresh_db) as conn:
        conn.execute(SCHEMA)
        table, domain = _constraint_texts(conn)
        columns = {column for rule in TABLE_RULES.values() if rule for column in rule_columns(rule)}
        outcomes: dict[str, set[bool]] = {}
        for sample in SAMPLE_ROWS:
            row = {column: sample.get(column) for column in columns}
            for name, (text, _) in table.items():
                rule = parse_check(text)
                if rule is None:
                    continue
                server = _server_check_result(conn, name, sample)
                assert satisfies(rule, row) is server, (name, text, sample)
                outcomes.setdefault(name, set()).add(server)
        # the samples exercise both outcomes of every translated CHECK
        assert {name for name, seen in outcomes.items() if seen != {True, False}} == set()

        for type_name, values in DOMAIN_SAMPLES.items():
            rules = [parse_check(text) for text, owner in domain.values() if owner == type_name]
            verdicts = set()
            for value in values:
                server = _server_domain_accepts(conn, type_name, value)
                ours = all(satisfies(rule, {"VALUE": value}) for rule in rules)
                assert ours is server, (type_name, value)
                verdicts.add(server)
            assert verdicts == {True, False}, type_name
