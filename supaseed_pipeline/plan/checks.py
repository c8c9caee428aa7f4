"""CHECK constraint texts (pg_get_constraintdef output) translated into generator rules in DNF.

`parse_check` tokenizes the deparsed text, parses it with a small recursive-descent parser that
follows PostgreSQL's operator precedence, lowers the tree into a negation-free formula over `Atom`s
and expands that into an OR of ANDs. Anything it cannot translate exactly gives None, and the
caller falls back to letting the database filter candidate rows.

Rules keep SQL's three-valued logic: an atom on a NULL column is unknown, and a row passes a CHECK
unless the expression is false (see `satisfies`). Constraint flags after the expression (NOT
VALID, NO INHERIT, NOT ENFORCED) are ignored; whether they matter is the caller's business.
"""

from __future__ import annotations

import operator
import re
import struct
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Iterable
from uuid import UUID


@dataclass(frozen=True)
class ColumnRef:
    """The other side of a column-vs-column comparison."""

    name: str


@dataclass(frozen=True)
class Atom:
    """One test on one column: `column op value`."""

    column: str            # column name; "VALUE" for domain checks
    op: str                # one of OPS
    value: Any = None      # int | float | str | bool | None | tuple (in / not in) | ColumnRef


OPS = ("=", "<>", "<", "<=", ">", ">=", "in", "not in", "is null", "is not null",
       "len=", "len<>", "len<", "len<=", "len>", "len>=", "~", "~*", "!~", "!~*", "like", "not like")

Rule = tuple[tuple[Atom, ...], ...]   # OR of ANDs

MAX_CONJUNCTIONS = 64


class _Unsupported(Exception):
    """The text cannot be translated exactly."""


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str   # ident | qident | num | str | op | punct | end
    text: str   # ident: as written; qident/str: the decoded content; others: the symbol


_END = _Token("end", "")
_OPERATOR_CHARS = frozenset("+-*/<>=~!@#%^&|`?")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_IDENTIFIER = re.compile(r"[^\W\d][\w$]*")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _tokenize(text: str) -> list[_Token]:
    """Split SQL text into tokens (identifiers, literals, operators, punctuation)."""
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == '"':
            name, i = _read_quoted(text, i)
            if not name:
                raise _Unsupported("empty quoted identifier")
            tokens.append(_Token("qident", name))
        elif ch == "'":
            value, i = _read_quoted(text, i)
            tokens.append(_Token("str", value))
        elif ch in "eE" and text.startswith("'", i + 1):
            value, i = _read_escape_string(text, i + 1)
            tokens.append(_Token("str", value))
        elif match := _NUMBER.match(text, i):
            tokens.append(_Token("num", match.group()))
            i = match.end()
        elif match := _IDENTIFIER.match(text, i):
            tokens.append(_Token("ident", match.group()))
            i = match.end()
        elif text.startswith("::", i):
            tokens.append(_Token("punct", "::"))
            i += 2
        elif ch in "()[],.;":
            tokens.append(_Token("punct", ch))
            i += 1
        elif ch in _OPERATOR_CHARS:
            symbol = _read_operator(text, i)
            tokens.append(_Token("op", symbol))
            i += len(symbol)
        else:
            raise _Unsupported(f"unexpected character {ch!r}")
    return tokens


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """A '...' or "..." token starting at `start` (doubled quotes escape): (content, next index)."""
    quote = text[start]
    parts = []
    i = start + 1
    while True:
        end = text.find(quote, i)
        if end < 0:
            raise _Unsupported("unterminated quote")
        parts.append(text[i:end])
        if text.startswith(quote, end + 1):
            parts.append(quote)
            i = end + 2
        else:
            return "".join(parts), end + 1


def _read_escape_string(text: str, start: int) -> tuple[str, int]:
    """An E'...' string whose opening quote is at `start`: (decoded content, next index)."""
    out = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "'":
            if text.startswith("'", i + 1):
                out.append("'")
                i += 2
                continue
            return "".join(out), i + 1
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif digits := _escape_digits(text, i + 1):
            base, size = digits
            out.append(chr(int(text[i + 1 + (base != 8):i + 1 + size], base)))
            i += 1 + size
        else:
            out.append(nxt)
            i += 2
    raise _Unsupported("unterminated string")


def _escape_digits(text: str, i: int) -> tuple[int, int] | None:
    """For an escape body at `i` (\\ooo, \\xhh, \\uXXXX, \\UXXXXXXXX): (base, characters consumed)."""
    forms = {"x": (16, 2, 1), "u": (16, 4, 4), "U": (16, 8, 8)}
    if text[i:i + 1] in forms:
        base, longest, shortest = forms[text[i]]
        match = re.match(r"[0-9A-Fa-f]{%d,%d}" % (shortest, longest), text[i + 1:])
        return (base, 1 + len(match.group())) if match else None
    match = re.match(r"[0-7]{1,3}", text[i:])
    return (8, len(match.group())) if match else None


def _read_operator(text: str, start: int) -> str:
    """The operator at `start`, with PostgreSQL's rule that a trailing + or - starts a new token."""
    end = start
    while end < len(text) and text[end] in _OPERATOR_CHARS:
        end += 1
    symbol = text[start:end]
    # "a<-1" lexes as "<" "-1" unless the operator contains one of these characters
    if len(symbol) > 1 and not any(c in symbol for c in "~!@#%^&|`?"):
        symbol = symbol.rstrip("+-") or symbol[0]
    return symbol


# --------------------------------------------------------------------------------------------
# Syntax tree
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _TypeName:
    name: str                      # lower-cased; multi-word names joined by one space
    params: tuple[int, ...] = ()
    dims: int = 0                  # array dimensions
    quoted: bool = False


@dataclass(frozen=True)
class _Col:
    name: str


@dataclass(frozen=True)
class _Const:
    value: Any                     # int | float | str | bool | None


@dataclass(frozen=True)
class _Cast:
    item: Any
    type: _TypeName


@dataclass(frozen=True)
class _Func:
    name: str
    args: tuple


@dataclass(frozen=True)
class _Array:
    items: tuple


@dataclass(frozen=True)
class _Negative:
    item: Any


@dataclass(frozen=True)
class _Binary:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class _Quantified:
    op: str
    quantifier: str                # any | all
    left: Any
    right: Any


@dataclass(frozen=True)
class _BoolOp:
    kind: str                      # and | or
    items: tuple


@dataclass(frozen=True)
class _Not:
    item: Any


@dataclass(frozen=True)
class _IsTest:
    item: Any
    test: str                      # null | not null | true | not true | false | not false | unknown | ...


@dataclass(frozen=True)
class _Distinct:
    left: Any
    right: Any
    negated: bool                  # IS NOT DISTINCT FROM


@dataclass(frozen=True)
class _Between:
    item: Any
    low: Any
    high: Any
    negated: bool
    symmetric: bool


@dataclass(frozen=True)
class _InList:
    item: Any
    items: tuple
    negated: bool


# --------------------------------------------------------------------------------------------
# Parser (precedence, loosest first: OR, AND, NOT, IS, comparison, BETWEEN/IN/LIKE, other
# operators, + -, * / % ^, unary minus, :: cast)
# --------------------------------------------------------------------------------------------

_COMPARISON_OPS = frozenset({"=", "<>", "!=", "<", "<=", ">", ">="})
_ARITHMETIC_OPS = frozenset({"+", "-", "*", "/", "%", "^"})
_RESERVED = frozenset({
    "all", "and", "any", "array", "as", "between", "case", "cast", "collate", "distinct", "else", "end",
    "exists", "false", "from", "ilike", "in", "is", "isnull", "like", "not", "notnull", "null", "or",
    "select", "similar", "some", "symmetric", "then", "true", "when",
})
_INTERVAL_FIELDS = frozenset({"year", "month", "day", "hour", "minute", "second", "to"})


class _Parser:
    """Recursive-descent parser over a token list; each method parses one precedence level."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.pos = 0

    # -- token helpers -------------------------------------------------------------------

    def peek(self, offset: int = 0) -> _Token:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else _END

    def next(self) -> _Token:
        token = self.peek()
        self.pos += 1
        return token

    def at_keyword(self, *words: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind == "ident" and token.text.lower() in words

    def accept_keyword(self, *words: str) -> str | None:
        if self.at_keyword(*words):
            return self.next().text.lower()
        return None

    def expect_keyword(self, word: str) -> None:
        if not self.accept_keyword(word):
            raise _Unsupported(f"expected {word.upper()}")

    def at_punct(self, symbol: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind == "punct" and token.text == symbol

    def accept_punct(self, symbol: str) -> bool:
        if self.at_punct(symbol):
            self.pos += 1
            return True
        return False

    def expect_punct(self, symbol: str) -> None:
        if not self.accept_punct(symbol):
            raise _Unsupported(f"expected {symbol!r}")

    def at_op(self, symbols: Iterable[str]) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text in symbols

    # -- grammar -------------------------------------------------------------------------

    def constraint(self):
        """`CHECK (expr) [flags]`, or a bare expression; the whole input must be consumed."""
        if self.at_keyword("check") and self.at_punct("(", offset=1):
            self.next()
            self.expect_punct("(")
            node = self.expression()
            self.expect_punct(")")
            self.constraint_flags()
        else:
            node = self.expression()
        if self.peek() is not _END:
            raise _Unsupported(f"unexpected {self.peek().text!r}")
        return node

    def constraint_flags(self) -> None:
        while True:
            if self.accept_keyword("not"):
                if not self.accept_keyword("valid", "enforced"):
                    raise _Unsupported("unknown constraint flag")
            elif self.accept_keyword("no"):
                self.expect_keyword("inherit")
            elif not self.accept_keyword("enforced"):
                return

    def expression(self):
        return self.disjunction()

    def disjunction(self):
        items = [self.conjunction()]
        while self.accept_keyword("or"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else _BoolOp("or", tuple(items))

    def conjunction(self):
        items = [self.negation()]
        while self.accept_keyword("and"):
            items.append(self.negation())
        return items[0] if len(items) == 1 else _BoolOp("and", tuple(items))

    def negation(self):
        if self.accept_keyword("not"):
            return _Not(self.negation())
        return self.is_test()

    def is_test(self):
        node = self.comparison()
        while True:
            if self.accept_keyword("isnull"):
                node = _IsTest(node, "null")
            elif self.accept_keyword("notnull"):
                node = _IsTest(node, "not null")
            elif self.accept_keyword("is"):
                negated = bool(self.accept_keyword("not"))
                if self.accept_keyword("distinct"):
                    self.expect_keyword("from")
                    node = _Distinct(node, self.comparison(), negated)
                else:
                    word = self.accept_keyword("null", "true", "false", "unknown")
                    if word is None:
                        raise _Unsupported("unknown IS test")
                    node = _IsTest(node, f"not {word}" if negated else word)
            else:
                return node

    def comparison(self):
        left = self.predicate()
        if self.at_op(_COMPARISON_OPS):
            op = self.next().text
            return self.right_operand(op, left, self.predicate)
        return left

    def right_operand(self, op: str, left, operand: Callable[[], Any]):
        """The right side of `left op ...`: a plain operand or ANY/SOME/ALL (array)."""
        quantifier = self.accept_keyword("any", "some", "all") if self.at_punct("(", offset=1) else None
        if quantifier:
            self.expect_punct("(")
            right = self.expression()
            self.expect_punct(")")
            return _Quantified(op, "all" if quantifier == "all" else "any", left, right)
        return _Binary(op, left, operand())

    def predicate(self):
        left = self.other_operator()
        negated = False
        if self.at_keyword("not") and self.at_keyword("between", "in", "like", "ilike", "similar", offset=1):
            self.next()
            negated = True
        if self.accept_keyword("between"):
            symmetric = self.accept_keyword("symmetric", "asymmetric") == "symmetric"
            low = self.other_operator()
            self.expect_keyword("and")
            return _Between(left, low, self.other_operator(), negated, symmetric)
        if self.accept_keyword("in"):
            self.expect_punct("(")
            items = self.expression_list(")")
            return _InList(left, items, negated)
        if word := self.accept_keyword("like", "ilike"):
            pattern = self.other_operator()
            if self.at_keyword("escape"):
                raise _Unsupported("LIKE ... ESCAPE")
            op = {"like": "~~", "ilike": "~~*"}[word]
            return _Binary("!" + op if negated else op, left, pattern)
        if negated or self.at_keyword("similar"):
            raise _Unsupported("SIMILAR TO")
        return left

    def other_operator(self):
        left = self.additive()
        while self.peek().kind == "op" and not self.at_op(_COMPARISON_OPS | _ARITHMETIC_OPS):
            op = self.next().text
            left = self.right_operand(op, left, self.additive)
        return left

    def additive(self):
        left = self.multiplicative()
        while self.at_op({"+", "-"}):
            op = self.next().text
            left = _Binary(op, left, self.multiplicative())
        return left

    def multiplicative(self):
        left = self.unary()
        while self.at_op({"*", "/", "%", "^"}):
            op = self.next().text
            left = _Binary(op, left, self.unary())
        return left

    def unary(self):
        if self.at_op({"-"}):
            self.next()
            return _Negative(self.unary())
        if self.at_op({"+"}):
            self.next()
            return self.unary()
        return self.postfix()

    def postfix(self):
        node = self.primary()
        while self.accept_punct("::"):
            node = _Cast(node, self.type_name())
        if self.at_punct("[") or self.at_keyword("collate", "at"):
            raise _Unsupported("subscript, COLLATE or AT TIME ZONE")
        return node

    def primary(self):
        token = self.next()
        if token.kind == "num":
            return _Const(_number(token.text))
        if token.kind == "str":
            return _Const(token.text)
        if token.kind == "qident":
            return self.name_or_call(token.text)
        if token.kind == "ident":
            word = token.text.lower()
            if word in ("true", "false"):
                return _Const(word == "true")
            if word == "null":
                return _Const(None)
            if word == "array":
                return self.array_constructor()
            if word in _RESERVED:
                raise _Unsupported(f"unexpected {token.text}")
            # deparse writes a domain's value as VALUE and folds other unquoted names to lower case
            return self.name_or_call("VALUE" if token.text == "VALUE" else word)
        if token.kind == "punct" and token.text == "(":
            node = self.expression()
            self.expect_punct(")")
            return node
        raise _Unsupported(f"unexpected {token.text or 'end of text'!r}")

    def name_or_call(self, name: str):
        if self.accept_punct("."):
            qualified = self.next()
            if qualified.kind not in ("ident", "qident") or not self.at_punct("("):
                raise _Unsupported("qualified column name")
            # pg_catalog.length(...) is length(...); other schemas are somebody's own function
            name = qualified.text.lower() if name == "pg_catalog" else f"{name}.{qualified.text}"
        if self.accept_punct("("):
            return _Func(name, self.expression_list(")"))
        return _Col(name)

    def expression_list(self, closing: str) -> tuple:
        """Comma-separated expressions up to and including `closing` (possibly none)."""
        items = []
        if not self.accept_punct(closing):
            items.append(self.expression())
            while self.accept_punct(","):
                items.append(self.expression())
            self.expect_punct(closing)
        return tuple(items)

    def array_constructor(self):
        self.expect_punct("[")
        if self.at_punct("["):
            raise _Unsupported("multi-dimensional array")
        return _Array(self.expression_list("]"))

    def type_name(self) -> _TypeName:
        token = self.next()
        if token.kind not in ("ident", "qident"):
            raise _Unsupported("expected a type name")
        quoted = token.kind == "qident"
        name = token.text if quoted else token.text.lower()
        if self.accept_punct("."):
            token = self.next()
            quoted = token.kind == "qident"
            name = token.text if quoted else token.text.lower()
        if not quoted:
            name = self.multi_word_type(name)
        params = self.type_params()
        if not quoted and name in ("time", "timestamp") and (zone := self.accept_keyword("with", "without")):
            self.expect_keyword("time")
            self.expect_keyword("zone")
            name = f"{name} {zone} time zone"
        dims = 0
        while self.accept_punct("["):
            if self.peek().kind == "num":
                self.next()
            self.expect_punct("]")
            dims += 1
        return _TypeName(name, params, dims, quoted)

    def multi_word_type(self, name: str) -> str:
        if name == "double":
            self.expect_keyword("precision")
            return "double precision"
        if name in ("character", "char", "bit", "national") and self.accept_keyword("varying"):
            return f"{name} varying"
        if name == "interval":
            while self.accept_keyword(*_INTERVAL_FIELDS):
                pass
        return name

    def type_params(self) -> tuple[int, ...]:
        if not self.accept_punct("("):
            return ()
        params = []
        while True:
            token = self.next()
            if token.kind != "num" or not token.text.isdigit():
                raise _Unsupported("type modifier")
            params.append(int(token.text))
            if not self.accept_punct(","):
                break
        self.expect_punct(")")
        return tuple(params)


# --------------------------------------------------------------------------------------------
# Literal values and casts
# --------------------------------------------------------------------------------------------

_INT_TYPES = frozenset({"smallint", "integer", "int", "bigint", "int2", "int4", "int8"})
_NUMERIC_TYPES = frozenset({"numeric", "decimal"})
_FLOAT8_TYPES = frozenset({"double precision", "float8", "float"})
_FLOAT4_TYPES = frozenset({"real", "float4"})
_TEXT_TYPES = frozenset({"text", "character varying", "varchar", "character", "char", "bpchar", "name", "citext"})
_BOOL_TYPES = frozenset({"boolean", "bool"})
# literals of these types do not compare like their text (or Python) form
_OPAQUE_TYPES = frozenset({
    "json", "jsonb", "bytea", "interval", "money", "xml", "bit", "bit varying", "varbit", "tsvector", "tsquery",
    "point", "line", "lseg", "box", "path", "polygon", "circle", "oid", "regclass", "regtype", "regproc",
    "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
})
_TRUE_WORDS = frozenset({"t", "true", "y", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"f", "false", "n", "no", "off", "0"})
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _number(text: str) -> int | float:
    """A numeric literal as int when it has no fraction or exponent, else float."""
    return int(text) if _INTEGER_TEXT.fullmatch(text) else float(text)


def _literal(node) -> Any:
    """The Python value of a constant expression (literal, cast literal, negated literal)."""
    if isinstance(node, _Const):
        return node.value
    if isinstance(node, _Cast):
        return _cast_value(_literal(node.item), node.type)
    if isinstance(node, _Negative):
        value = _literal(node.item)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    raise _Unsupported("not a constant")


def _cast_value(value: Any, type_name: _TypeName) -> Any:
    """`value::type_name` as PostgreSQL would compute it, or _Unsupported when not exactly known."""
    if value is None:
        return None
    if type_name.dims:
        raise _Unsupported("array value outside ANY/ALL")
    if type_name.quoted:
        if type_name.name == "char":
            return _text_value(value, 1, encoded=True)
        return _string_value(value)
    name = type_name.name
    if name in _INT_TYPES:
        return _integer_value(value)
    if name in _NUMERIC_TYPES:
        number = _numeric_value(value)
        if type_name.params and isinstance(number, float):
            raise _Unsupported("numeric(p,s) rounds")
        return number
    if name in _FLOAT8_TYPES:
        return _double_value(_numeric_value(value))
    if name in _FLOAT4_TYPES:
        return _real_value(_numeric_value(value))
    if name in _TEXT_TYPES:
        return _text_value(value, *_text_limit(type_name))
    if name in _BOOL_TYPES:
        return _bool_value(value)
    if name in _OPAQUE_TYPES or type_name.params:
        raise _Unsupported(f"{name} literal")   # timestamp(0) and the like round the value
    return _string_value(value)


def _integer_value(value: Any) -> int:
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _Unsupported("not an exact integer")


def _numeric_value(value: Any) -> int | float:
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
        return _number(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise _Unsupported("not a finite number")   # NaN and Infinity included: Python orders them differently


def _double_value(value: int | float) -> int | float:
    if isinstance(value, int) and abs(value) >= 2 ** 53:
        return float(value)
    return value


def _real_value(value: int | float) -> int | float:
    """The value rounded to single precision, as float4 stores it."""
    try:
        rounded = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        raise _Unsupported("out of range for real") from None
    return value if rounded == value else rounded


def _text_limit(type_name: _TypeName) -> tuple[int | None, bool]:
    """(maximum length the cast keeps, whether it counts bytes) for a text type."""
    if type_name.params:
        return type_name.params[0], False
    if type_name.name in ("character", "char"):
        return 1, False
    if type_name.name == "name":
        return 63, True
    return None, False


def _text_value(value: Any, limit: int | None, encoded: bool = False) -> str:
    if not isinstance(value, str):
        raise _Unsupported("non-text value cast to text")
    size = len(value.encode()) if encoded else len(value)
    if limit is not None and size > limit:
        raise _Unsupported("the cast truncates")
    return value


def _bool_value(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    raise _Unsupported("not a boolean")


def _string_value(value: Any) -> str:
    """Dates, timestamps, uuids, enum labels...: kept as the literal text."""
    if not isinstance(value, str):
        raise _Unsupported("non-text literal of a text-like type")
    return value


def _array_values(node) -> tuple:
    """The elements of a constant array: ARRAY[...], '{...}'::type[], or a cast of either."""
    if isinstance(node, _Array):
        return tuple(_literal(item) for item in node.items)
    if isinstance(node, _Cast) and node.type.dims == 1:
        element_type = _TypeName(node.type.name, node.type.params, 0, node.type.quoted)
        if isinstance(node.item, _Const) and isinstance(node.item.value, str):
            items = _parse_array_text(node.item.value)
        else:
            items = _array_values(node.item)
        return tuple(_cast_value(item, element_type) for item in items)
    raise _Unsupported("not a constant array")


def _parse_array_text(text: str) -> list[str | None]:
    """The elements of a one-dimensional array literal such as '{a,"b c",NULL}'."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise _Unsupported("array literal")
    body = text[1:-1]
    if not body.strip():
        return []
    items: list[str | None] = []
    i = 0
    while True:
        item, i = _array_element(body, i)
        items.append(item)
        while i < len(body) and body[i].isspace():
            i += 1
        if i == len(body):
            return items
        if body[i] != ",":
            raise _Unsupported("array literal")
        i += 1


def _array_element(body: str, i: int) -> tuple[str | None, int]:
    """One array literal element starting at `i` (leading blanks allowed): (value, next index)."""
    while i < len(body) and body[i].isspace():
        i += 1
    quoted = body.startswith('"', i)
    if body.startswith("{", i):
        raise _Unsupported("multi-dimensional array")
    chars = []
    i += quoted
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            chars.append(body[i + 1])
            i += 2
            continue
        if (quoted and ch == '"') or (not quoted and ch in ",{}"):
            break
        chars.append(ch)
        i += 1
    if quoted:
        if not body.startswith('"', i):
            raise _Unsupported("array literal")
        return "".join(chars), i + 1
    value = "".join(chars).strip()
    if not value or "{" in body[i:i + 1] or "}" in body[i:i + 1]:
        raise _Unsupported("array literal")
    return (None if value.upper() == "NULL" else value), i


# --------------------------------------------------------------------------------------------
# Lowering: syntax tree -> negation-free formula of Atoms
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Junction:
    kind: str                      # and | or
    items: tuple


_TRUE = _Junction("and", ())
_FALSE = _Junction("or", ())

_ORDER_OPS = frozenset({"=", "<>", "<", "<=", ">", ">="})
_PATTERN_OPS = frozenset({"~", "~*", "!~", "!~*", "like", "not like"})
_OP_ALIASES = {"!=": "<>", "~~": "like", "!~~": "not like"}
_FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATED_PAIRS = [("=", "<>"), ("<", ">="), ("<=", ">"), ("in", "not in"), ("is null", "is not null"),
                  ("~", "!~"), ("~*", "!~*"), ("like", "not like")]
_NEGATED = {**{a: b for a, b in _NEGATED_PAIRS}, **{b: a for a, b in _NEGATED_PAIRS}}
_NEGATED.update({"len" + op: "len" + _NEGATED[op] for op in _ORDER_OPS})
_LENGTH_FUNCTIONS = frozenset({"length", "char_length", "character_length"})
# casts of a column that keep its value for the types they are applied to in practice
# (varchar/enum/citext -> text, int/real -> numeric/double precision)
_TRANSPARENT_TEXT_CASTS = frozenset({"text", "character varying", "varchar"})
_TRANSPARENT_NUMBER_CASTS = frozenset({"numeric", "double precision", "float8"})


@dataclass(frozen=True)
class _Operand:
    """A column, or the character length of one, on one side of a comparison."""

    column: str
    length: bool = False


def _lower(node):
    """The formula for a boolean expression, with NOT pushed down to the atoms."""
    if isinstance(node, _BoolOp):
        return _Junction(node.kind, tuple(_lower(item) for item in node.items))
    if isinstance(node, _Not):
        return _negate(_lower(node.item))
    if isinstance(node, _IsTest):
        return _lower_is_test(node)
    if isinstance(node, _Distinct):
        return _lower_distinct(node)
    if isinstance(node, _Between):
        return _lower_between(node)
    if isinstance(node, _InList):
        return _lower_in_list(node)
    if isinstance(node, _Quantified):
        return _lower_quantified(node)
    if isinstance(node, _Binary):
        return _lower_comparison(node.op, node.left, node.right)
    if isinstance(node, _Const) and isinstance(node.value, bool):
        return _TRUE if node.value else _FALSE
    if isinstance(node, _Col):
        return Atom(node.name, "=", True)   # a bare boolean column
    raise _Unsupported("not a translatable condition")


def _operand(node) -> _Operand | None:
    """The column (or column length) `node` denotes, or None when it is something else."""
    if isinstance(node, _Col):
        return _Operand(node.name)
    if isinstance(node, _Cast) and not node.type.params and not node.type.dims and not node.type.quoted:
        inner = _operand(node.item)
        if inner and node.type.name in _TRANSPARENT_NUMBER_CASTS:
            return inner
        if inner and not inner.length and node.type.name in _TRANSPARENT_TEXT_CASTS:
            return inner
        return None
    if isinstance(node, _Func) and node.name in _LENGTH_FUNCTIONS and len(node.args) == 1:
        inner = _operand(node.args[0])
        if inner and not inner.length:
            return _Operand(inner.column, length=True)
    return None


def _canonical_op(op: str) -> str:
    op = _OP_ALIASES.get(op, op)
    if op not in _ORDER_OPS and op not in _PATTERN_OPS:
        raise _Unsupported(f"operator {op}")
    return op


def _lower_comparison(op: str, left, right):
    """`left op right` where one side is a column (or its length) and the other a literal or column."""
    op = _canonical_op(op)
    left_column, right_column = _operand(left), _operand(right)
    if left_column and right_column:
        if left_column.length or right_column.length or op not in _ORDER_OPS:
            raise _Unsupported("comparison of two expressions")
        return Atom(left_column.column, op, ColumnRef(right_column.column))
    if left_column:
        return _atom(left_column, op, _literal(right))
    if right_column:
        if op not in _ORDER_OPS:
            raise _Unsupported("pattern taken from a column")
        return _atom(right_column, _FLIPPED[op], _literal(left))
    return _boolean_equality(op, left, right)


def _boolean_equality(op: str, left, right):
    """`(condition) = true`, `(condition) <> false` and the like: the condition or its negation."""
    for condition, other in ((left, right), (right, left)):
        if op in ("=", "<>") and isinstance(other, _Const) and isinstance(other.value, bool):
            formula = _lower(condition)
            return formula if (op == "=") == other.value else _negate(formula)
    raise _Unsupported("comparison without a column")


def _atom(operand: _Operand, op: str, value: Any) -> Atom:
    """An Atom for `operand op value`, checking the value fits the operator."""
    if operand.length:
        if op not in _ORDER_OPS or not (value is None or (isinstance(value, int) and not isinstance(value, bool))):
            raise _Unsupported("length compared with a non-integer")
        return Atom(operand.column, "len" + op, value)
    if op in _PATTERN_OPS and not (value is None or isinstance(value, str)):
        raise _Unsupported("pattern is not text")
    return Atom(operand.column, op, value)


def _membership(column: str, op: str, values: tuple):
    """`column in values` / `column not in values`; an empty list is false / true even for NULL."""
    if not values:
        return _FALSE if op == "in" else _TRUE
    return Atom(column, op, values)


def _lower_quantified(node: _Quantified):
    """`x op ANY (array)` is an OR over the elements, `x op ALL (array)` an AND."""
    op = _canonical_op(node.op)
    column = _operand(node.left)
    if column is None:
        raise _Unsupported("ANY/ALL without a column on the left")
    values = _array_values(node.right)
    if not column.length and (op, node.quantifier) == ("=", "any"):
        return _membership(column.column, "in", values)
    if not column.length and (op, node.quantifier) == ("<>", "all"):
        return _membership(column.column, "not in", values)
    kind = "or" if node.quantifier == "any" else "and"
    return _Junction(kind, tuple(_atom(column, op, value) for value in values))


def _lower_in_list(node: _InList):
    column = _operand(node.item)
    if column and not column.length:
        try:
            values = tuple(_literal(item) for item in node.items)
        except _Unsupported:
            pass   # not all constants: compare one by one below
        else:
            return _membership(column.column, "not in" if node.negated else "in", values)
    equalities = _Junction("or", tuple(_lower_comparison("=", node.item, item) for item in node.items))
    return _negate(equalities) if node.negated else equalities


def _lower_between(node: _Between):
    inside = _Junction("and", (_lower_comparison(">=", node.item, node.low),
                               _lower_comparison("<=", node.item, node.high)))
    if node.symmetric:
        swapped = _Junction("and", (_lower_comparison(">=", node.item, node.high),
                                    _lower_comparison("<=", node.item, node.low)))
        inside = _Junction("or", (inside, swapped))
    return _negate(inside) if node.negated else inside


def _lower_is_test(node: _IsTest):
    """IS [NOT] NULL on a column; IS [NOT] TRUE/FALSE on any condition (never unknown)."""
    if node.test in ("null", "not null"):
        column = _operand(node.item)
        if column is None:
            raise _Unsupported("IS NULL on an expression")
        return Atom(column.column, "is " + node.test)   # length(x) is NULL exactly when x is
    if node.test.endswith("unknown"):
        raise _Unsupported("IS UNKNOWN")
    condition = _lower(node.item)
    if node.test.endswith("false"):
        condition = _negate(condition)
    definite = _definitely_true(condition)
    return _negate(definite) if node.test.startswith("not ") else definite


def _lower_distinct(node: _Distinct):
    """IS [NOT] DISTINCT FROM: equality where NULL equals NULL."""
    if _operand(node.left) is None and _operand(node.right) is None:
        # (condition) IS [NOT] DISTINCT FROM true/false: a NULL condition is distinct from both
        same = _definitely_true(_boolean_equality("=", node.left, node.right))
        return same if node.negated else _negate(same)
    equal = _lower_comparison("=", node.left, node.right)
    if equal.value is None:
        same = Atom(equal.column, "is null")
    elif isinstance(equal.value, ColumnRef):
        both_null = _Junction("and", (Atom(equal.column, "is null"), Atom(equal.value.name, "is null")))
        same = _Junction("or", (_definitely_true(equal), both_null))
    else:
        same = _definitely_true(equal)
    return same if node.negated else _negate(same)


def _definitely_true(formula):
    """A two-valued formula that is true exactly where `formula` is true (not false, not NULL)."""
    if isinstance(formula, _Junction):
        return _Junction(formula.kind, tuple(_definitely_true(item) for item in formula.items))
    atom = formula
    if atom.op in ("is null", "is not null"):
        return atom
    if atom.op in ("in", "not in") and None in atom.value:
        if atom.op == "not in":
            return _FALSE   # some element compares as NULL, so it is never true
        atom = Atom(atom.column, "in", tuple(v for v in atom.value if v is not None))
        if not atom.value:
            return _FALSE
    elif atom.value is None:
        return _FALSE
    guards = [Atom(atom.column, "is not null")]
    if isinstance(atom.value, ColumnRef):
        guards.append(Atom(atom.value.name, "is not null"))
    return _Junction("and", (atom, *guards))


def _negate(formula):
    """NOT formula, by De Morgan down to the atoms (exact in three-valued logic too)."""
    if isinstance(formula, _Junction):
        kind = "or" if formula.kind == "and" else "and"
        return _Junction(kind, tuple(_negate(item) for item in formula.items))
    return _negate_atom(formula)


def _negate_atom(atom: Atom) -> Atom:
    if atom.op in ("=", "<>") and isinstance(atom.value, bool):
        # keep boolean columns as "= true/false": NOT flag -> flag = false
        return Atom(atom.column, "=", (not atom.value) if atom.op == "=" else atom.value)
    return Atom(atom.column, _NEGATED[atom.op], atom.value)


# --------------------------------------------------------------------------------------------
# Disjunctive normal form
# --------------------------------------------------------------------------------------------

def _dnf(formula) -> list[tuple[Atom, ...]]:
    """The formula as a list of conjunctions, or _Unsupported beyond MAX_CONJUNCTIONS."""
    if isinstance(formula, Atom):
        return [(formula,)]
    if formula.kind == "or":
        conjunctions: list[tuple[Atom, ...]] = []
        for item in formula.items:
            conjunctions = _unique(conjunctions + _dnf(item))
        return conjunctions
    conjunctions = [()]
    for item in formula.items:
        terms = _dnf(item)
        if len(conjunctions) * len(terms) > MAX_CONJUNCTIONS:
            raise _Unsupported("too many conjunctions")
        conjunctions = _unique([left + right for left in conjunctions for right in terms])
    return conjunctions


def _unique(conjunctions: list[tuple[Atom, ...]]) -> list[tuple[Atom, ...]]:
    """Drop repeated atoms inside each conjunction and repeated conjunctions; check the cap."""
    result = list(dict.fromkeys(tuple(dict.fromkeys(c)) for c in conjunctions))
    if len(result) > MAX_CONJUNCTIONS:
        raise _Unsupported("too many conjunctions")
    if () in result:
        return [()]   # one conjunction is always true, so the whole OR is
    return result


def parse_check(expression: str) -> Rule | None:
    """The rule for a CHECK constraint text, or None when it cannot be translated exactly."""
    return _parse_cached(expression) if isinstance(expression, str) else None


@lru_cache(maxsize=4096)   # generators ask again for every column and partition; rules are immutable
def _parse_cached(expression: str) -> Rule | None:
    try:
        node = _Parser(_tokenize(expression)).constraint()
        return tuple(_dnf(_lower(node)))
    except Exception:   # noqa: BLE001 - _Unsupported, or any text we do not understand: the contract is None
        return None


def rule_columns(rule: Rule) -> set[str]:
    """Every column a rule reads, including the right side of column-vs-column comparisons."""
    columns = set()
    for conjunction in rule:
        for atom in conjunction:
            columns.add(atom.column)
            if isinstance(atom.value, ColumnRef):
                columns.add(atom.value.name)
    return columns


# --------------------------------------------------------------------------------------------
# Evaluation in three-valued logic
# --------------------------------------------------------------------------------------------

_COMPARE = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}


def satisfies(rule: Rule, row: dict[str, Any]) -> bool:
    """Whether `row` (None = NULL, every column of the rule present) passes: the rule is true or unknown."""
    # approximations, not of the rule but of the server: text sorts by code point (the C collation)
    # and regular expressions run on Python's re after translating PostgreSQL-only syntax
    return _any3(_all3(_evaluate(atom, row) for atom in conjunction) for conjunction in rule) is not False


def _all3(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _any3(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def _evaluate(atom: Atom, row: dict[str, Any]) -> bool | None:
    """One atom on one row: True, False, or None for unknown."""
    value = row[atom.column]
    if atom.op == "is null":
        return value is None
    if atom.op == "is not null":
        return value is not None
    if atom.op in ("in", "not in"):
        found = _membership_value(value, atom.value)
        return found if atom.op == "in" or found is None else not found
    other = row[atom.value.name] if isinstance(atom.value, ColumnRef) else atom.value
    if value is None or other is None:
        return None
    if atom.op.startswith("len"):
        return _COMPARE[atom.op[3:]](len(value), other)
    if atom.op in ("~", "~*", "!~", "!~*"):
        flags = re.DOTALL | (re.IGNORECASE if atom.op.endswith("*") else 0)
        found = re.search(_python_regex(other), value, flags) is not None
        return found if not atom.op.startswith("!") else not found
    if atom.op in ("like", "not like"):
        found = re.fullmatch(_like_regex(other), value, re.DOTALL) is not None
        return found if atom.op == "like" else not found
    return _COMPARE[atom.op](value, _coerce(other, value))


def _membership_value(value: Any, values: tuple) -> bool | None:
    if not values:
        return False
    if value is None:
        return None
    return _any3(None if v is None else value == _coerce(v, value) for v in values)


def _coerce(literal: Any, like: Any) -> Any:
    """A string literal converted to the Python type of the row value it is compared with."""
    if not isinstance(literal, str) or isinstance(like, str):
        return literal
    converters = ((datetime, datetime.fromisoformat), (date, date.fromisoformat), (time, time.fromisoformat),
                  (Decimal, Decimal), (UUID, UUID))
    for kind, convert in converters:
        if isinstance(like, kind):
            try:
                return convert(literal)
            except (ValueError, ArithmeticError):
                return literal
    return literal


_POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z", "space": r"\s",
    "blank": r" \t", "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "xdigit": "0-9A-Fa-f",
    "word": r"\w", "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}
_REGEX_ESCAPES = {"m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B", "Z": r"\Z", "A": r"\A"}


@lru_cache(maxsize=256)
def _python_regex(pattern: str) -> str:
    """A PostgreSQL (ARE) pattern in Python syntax: POSIX classes, word boundaries, `$` at end only."""
    out = []
    i = 0
    in_brackets = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            out.append(_REGEX_ESCAPES.get(escape, ch + escape) if not in_brackets else ch + escape)
            i += 2
            continue
        if in_brackets and pattern.startswith("[:", i) and (end := pattern.find(":]", i + 2)) > 0:
            out.append(_POSIX_CLASSES.get(pattern[i + 2:end], pattern[i:end + 2]))
            i = end + 2
            continue
        if in_brackets:
            in_brackets = ch != "]"
        elif ch == "[":
            in_brackets = True
            # a ']' right after '[' or '[^' is a literal member, not the end of the set
            lead = "^]" if pattern.startswith("[^]", i) else "]" if pattern.startswith("[]", i) else ""
            out.append("[" + lead)
            i += 1 + len(lead)
            continue
        elif ch == "$":
            ch = r"\Z"   # Python's $ would also match before a final newline
        out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def _like_regex(pattern: str) -> str:
    """A LIKE pattern (% and _, backslash escapes) as a Python regex for fullmatch."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return "".join(out)
