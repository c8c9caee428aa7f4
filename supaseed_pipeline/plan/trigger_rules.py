"""What BEFORE INSERT triggers demand of a row, read from their PL/pgSQL bodies. Pure: no database.

Real schemas enforce business rules in triggers that no constraint shows:

* `new.user_id := auth.uid()` — the column is whoever the JWT says is signed in (Supabase reads
  `request.jwt.claims` / `request.jwt.claim.sub`): a `ClaimColumn`, loaded with per-row claims.
* `if (select is_personal_account from accounts where id = new.account_id) then raise ...` or
  `if not exists (select 1 from members m where m.workspace_id = new.workspace_id and m.person_id =
  new.approver_id and m.role = 'admin') then raise ...` when that is the row's own foreign key — the parent
  must meet conditions: a `ParentRule`, applied by filtering the FK's pool of parents.
* `if not exists (select 1 from channel_members m where m.channel_id = new.channel_id and m.user_id =
  new.user_id) then raise ...` over a table the row has no FK to — the row's FK columns must appear
  together in that table: a `PairRule`, applied by sampling them as one row of it.
* `select on_hand - reserved into available from inventory_levels where variant_id = new.variant_id;
  if available is null or available < new.quantity then raise ...` — each parent's rows draw on a budget
  another table's row holds (stock, credit): a `BudgetRule`, applied by moving rows to parents that cover them.
* Anything else that raises on the row's FK columns (a helper function, `if not found`): an
  `OpaqueCheck`, which the loader answers by probing candidate parents under a savepoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from supaseed_pipeline.snapshot.models import ForeignKey, Table

PAIR_POOL_PREFIX = "pair:"   # pools key of a PairRule's (row columns) frame, see pair_pool()


@dataclass(frozen=True)
class Condition:
    """A column of the referenced row compared with a constant, as `column::text` prints it."""

    column: str
    op: str                     # "=" or "<>"
    value: str                  # 'true' / 'false' for booleans, the literal's text otherwise
    null_passes: bool = False   # `if (select flag ...) then raise` lets a NULL through; EXISTS does not

    def mask(self, values: pl.Series) -> pl.Series:
        text = values.cast(pl.String)
        hit = (text == self.value) if self.op == "=" else (text != self.value)
        return hit.fill_null(self.null_passes)


@dataclass(frozen=True)
class ClaimColumn:
    trigger: str
    column: str


@dataclass(frozen=True)
class ParentRule:
    trigger: str
    fk: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class PairRule:
    trigger: str
    table: str                              # "schema.table" the row must appear in
    columns: tuple[tuple[str, str], ...]    # (row column, that table's column)
    fks: tuple[str, ...]                    # the row's FKs holding those columns
    conditions: tuple[Condition, ...] = ()

    @property
    def pool_key(self) -> str:
        return PAIR_POOL_PREFIX + ",".join(self.fks)


@dataclass(frozen=True)
class BudgetRule:
    trigger: str
    table: str                              # "schema.table" holding the budget, one row per parent
    alias: str | None                       # its alias in the trigger's query
    expression: str                         # the budget over that row (on_hand - reserved)
    columns: tuple[tuple[str, str], ...]    # (row column, that table's column): which parent's budget
    amount: str                             # the row's column the budget must cover (quantity)


@dataclass(frozen=True)
class OpaqueCheck:
    trigger: str
    fks: tuple[str, ...]


@dataclass
class TriggerRules:
    claims: list[ClaimColumn] = field(default_factory=list)
    parents: list[ParentRule] = field(default_factory=list)
    pairs: list[PairRule] = field(default_factory=list)
    opaque: list[OpaqueCheck] = field(default_factory=list)
    budgets: list[BudgetRule] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.claims or self.parents or self.pairs or self.opaque or self.budgets)


# ---------------------------------------------------------------------------------------- reading

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_CONST = r"(?:'(?:[^']|'')*'(?:\s*::\s*[\w.]+)?|true|false|-?\d+(?:\.\d+)?)"
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_RAISE = re.compile(r"\bthen\s+raise\b(?!\s+(?:notice|warning|info|log|debug)\b)", re.IGNORECASE)
_IF = re.compile(r"\b(?:if|elsif|elseif)\b", re.IGNORECASE)
_NEW_REF = re.compile(rf"\bnew\s*\.\s*({_IDENT})", re.IGNORECASE)
_UID = r"(?:\(\s*select\s+auth\s*\.\s*uid\s*\(\s*\)\s*\)|auth\s*\.\s*uid\s*\(\s*\))(?:\s*::\s*uuid)?"
_CLAIM = re.compile(rf"(?:^|;|\bbegin|\bthen|\belse|\bloop)\s*new\s*\.\s*({_IDENT})\s*:?=\s*{_UID}(?=\s*;)",
                    re.IGNORECASE)
_INTO = re.compile(rf"\bselect\s+([^;]+?)\s+into\s+(?:strict\s+)?({_IDENT})\s+from\s+({_QUALIFIED})"
                   rf"(?:\s+(?:as\s+)?(?!where\b)({_IDENT}))?\s+where\s+([^;]+?)(?:\s+for\s+(?:no\s+key\s+)?update)?\s*;",
                   re.IGNORECASE)
_EXISTS = re.compile(r"^exists\s*\((.*)\)$", re.IGNORECASE | re.DOTALL)
_SELECT = re.compile(rf"^select\s+(.+?)\s+from\s+({_QUALIFIED})(?:\s+(?:as\s+)?(?!where\b)({_IDENT}))?\s+where\s+(.+)$",
                     re.IGNORECASE | re.DOTALL)
_SCALAR = re.compile(rf"^\((select\s.+)\)\s*(?:(=|<>|!=|\bis\s+not\b|\bis\b)\s*({_CONST}))?$", re.IGNORECASE | re.DOTALL)


def _unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1


def _split_and(text: str, on: str = "and", other: str = "or") -> list[str]:
    parts, depth, last = [], 0, 0
    for match in re.finditer(r"\(|\)|'(?:[^']|'')*'|\band\b|\bor\b", text, re.IGNORECASE):
        token = match.group(0).lower()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == other and depth == 0:
            return []   # a disjunction is not something we can choose parents for: opaque
        elif token == on and depth == 0:
            parts.append(text[last:match.start()].strip())
            last = match.end()
    parts.append(text[last:].strip())
    return parts


def _constant(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(_CONST, text, re.IGNORECASE) is None:
        return None
    text = re.sub(r"\s*::\s*[\w.]+$", "", text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return text.lower()


def raise_conditions(body: str) -> list[str]:
    """The conditions of every `IF cond THEN RAISE [EXCEPTION]` in a function body, whitespace-folded."""
    text = _COMMENTS.sub(" ", body)
    found = []
    for match in _RAISE.finditer(text):
        head = text[:match.start()]
        starts = [m for m in _IF.finditer(head) if not re.search(r"\bend\s*$", head[:m.start()], re.IGNORECASE)]
        if starts:
            found.append(" ".join(head[starts[-1].end():].split()))
    return found


def claim_columns(body: str) -> list[str]:
    """Columns a trigger assigns from auth.uid() as a statement: `new.col := auth.uid();`."""
    text = _COMMENTS.sub(" ", body)
    return list(dict.fromkeys(_unquote(m.group(1)) for m in _CLAIM.finditer(text)))


def _column_of(term: str, alias: str | None, table: str) -> str | None:
    """`m.role`, `members.role` or bare `role` as a column of the subquery's table."""
    match = re.fullmatch(rf"(?:({_IDENT})\s*\.\s*)?({_IDENT})", term.strip())
    if not match or match.group(2).lower() in {"true", "false", "null"}:
        return None
    qualifier = match.group(1) and _unquote(match.group(1))
    if qualifier and qualifier not in {alias, table.rpartition(".")[2]} or (qualifier or "").lower() == "new":
        return None
    return _unquote(match.group(2))


def _new_column(term: str) -> str | None:
    match = re.fullmatch(rf"new\s*\.\s*({_IDENT})", term.strip(), re.IGNORECASE)
    return _unquote(match.group(1)) if match else None


def _read_where(where: str, alias: str | None, table: str) -> tuple[dict[str, str], list[Condition]] | None:
    """WHERE terms as {row column: subquery column} equalities and constant conditions, or None."""
    links: dict[str, str] = {}
    conditions: list[Condition] = []
    terms = _split_and(_strip_parens(where))
    if not terms:
        return None
    for term in terms:
        term = _strip_parens(term)
        negated = re.match(r"^not\s+", term, re.IGNORECASE)
        if negated:
            column = _column_of(term[negated.end():], alias, table)
            if column is None:
                return None
            conditions.append(Condition(column, "=", "false"))
            continue
        comparison = re.fullmatch(r"(.+?)\s*(=|<>|!=|\bis\s+not\b|\bis\b)\s*(.+)", term, re.IGNORECASE | re.DOTALL)
        if comparison is None:
            column = _column_of(term, alias, table)
            if column is None:
                return None
            conditions.append(Condition(column, "=", "true"))
            continue
        left, op, right = comparison.groups()
        op = {"!=": "<>", "is": "="}.get(re.sub(r"\s+", " ", op.lower()), op.lower())
        op = "<>" if op == "is not" else op
        for a, b in ((left, right), (right, left)):
            new, column = _new_column(a), _column_of(b, alias, table)
            if new and column and op == "=":
                links[new] = column
                break
            value = _constant(b)
            if column is None and value is not None and (column := _column_of(a, alias, table)) and value != "null":
                conditions.append(Condition(column, op, value))
                break
        else:
            return None
    return links, conditions


def _qualify(name: str, table: Table) -> str:
    parts = [_unquote(p) for p in re.split(r"\s*\.\s*", name.strip()) if p]
    return ".".join(parts) if len(parts) == 2 else f"{table.schema_name}.{parts[-1]}"


def _fk_for(table: Table, parent: str, links: dict[str, str]) -> ForeignKey | None:
    """The row's FK to `parent` whose columns are exactly the linked ones."""
    return next((fk for fk in table.foreign_keys if fk.ref_qualified == parent
                 and dict(zip(fk.columns, fk.ref_columns)) == links), None)


def _read_condition(condition: str, table: Table, trigger: str) -> ParentRule | PairRule | None:
    """A raise condition as the rule a row must meet to pass, or None when it cannot be read."""
    text = _strip_parens(condition)
    negated = bool(re.match(r"^not\b", text, re.IGNORECASE))
    if negated:
        text = _strip_parens(text[3:])
    if re.match(r"^select\s", text, re.IGNORECASE):
        text = f"({text})"   # a bare scalar subquery: its parentheses were stripped above
    exists = _EXISTS.match(text)
    if exists:
        select = _SELECT.match(" ".join(exists.group(1).split()))
        if not select:
            return None
        parent = _qualify(select.group(2), table)
        alias = select.group(3) and _unquote(select.group(3))
        read = _read_where(select.group(4), alias, parent)
        if read is None or not read[0]:
            return None
        links, conditions = read
        if not negated:
            # `if exists (... and flag) then raise`: the parent must not have the one flag
            if len(conditions) != 1:
                return None
            c = conditions[0]
            conditions = [Condition(c.column, "<>" if c.op == "=" else "=", c.value, null_passes=c.op == "=")]
        return _rule_for(table, trigger, parent, links, conditions)
    scalar = _SCALAR.match(text)
    if scalar:
        select = _SELECT.match(" ".join(scalar.group(1).split()))
        if not select:
            return None
        column = _column_of(select.group(1), select.group(3) and _unquote(select.group(3)), select.group(2))
        parent = _qualify(select.group(2), table)
        read = _read_where(select.group(4), select.group(3) and _unquote(select.group(3)), parent)
        if column is None or read is None or read[1] or not read[0]:
            return None
        op, value = scalar.group(2), scalar.group(3)
        if op is None:
            # `if (select flag ...) then raise` passes on false; `if not (select flag ...)` passes on true
            wanted = Condition(column, "=", "true" if negated else "false", null_passes=True)
        elif negated or _constant(value) in (None, "null"):
            return None
        else:
            op = re.sub(r"\s+", " ", op.lower())
            equal = op in {"=", "is"}
            wanted = Condition(column, "<>" if equal else "=", _constant(value), null_passes=True)
        return _rule_for(table, trigger, parent, read[0], [wanted])
    return None


def _rule_for(table: Table, trigger: str, parent: str, links: dict[str, str],
              conditions: list[Condition]) -> ParentRule | PairRule | None:
    fk = _fk_for(table, parent, links)
    if fk is not None:
        return ParentRule(trigger, fk.name, tuple(conditions)) if conditions else None
    fks = []
    for column in links:
        owner = next((f for f in table.foreign_keys if column in f.columns), None)
        if owner is None or table.column(column) is None:
            return None
        if owner.name not in fks:
            fks.append(owner.name)
    # every column of those FKs must be linked, or a pair could not be taken whole from the table
    if any(c not in links for f in table.foreign_keys if f.name in fks for c in f.columns):
        return None
    return PairRule(trigger, parent, tuple(links.items()), tuple(sorted(fks)), tuple(conditions))


def _read_budget(condition: str, body: str, table: Table, trigger: str) -> BudgetRule | None:
    """`if available is null or available < new.quantity then raise`, `available` selected INTO from one row
    of a table by the row's foreign key columns: the rows of one parent together need at most its budget."""
    variable, amount = None, None
    for term in _split_and(_strip_parens(condition), on="or", other="and"):
        term = _strip_parens(term)
        if (null := re.fullmatch(rf"({_IDENT})\s+is\s+null", term, re.IGNORECASE)) is not None:
            name = _unquote(null.group(1))
        elif (less := re.fullmatch(rf"({_IDENT})\s*<\s*new\s*\.\s*({_IDENT})", term, re.IGNORECASE)) is not None:
            name, amount = _unquote(less.group(1)), _unquote(less.group(2))
        elif (more := re.fullmatch(rf"new\s*\.\s*({_IDENT})\s*>\s*({_IDENT})", term, re.IGNORECASE)) is not None:
            name, amount = _unquote(more.group(2)), _unquote(more.group(1))
        else:
            return None
        if variable not in (None, name):
            return None
        variable = name
    into = next((m for m in _INTO.finditer(" ".join(_COMMENTS.sub(" ", body).split()))
                 if _unquote(m.group(2)) == variable), None)
    if amount is None or table.column(amount) is None or into is None:
        return None
    parent, alias = _qualify(into.group(3), table), into.group(4) and _unquote(into.group(4))
    read = _read_where(into.group(5), alias, parent)
    if read is None or not read[0] or read[1] or any(table.column(c) is None for c in read[0]):
        return None
    return BudgetRule(trigger, parent, alias, into.group(1).strip(), tuple(read[0].items()), amount)


def _fk_columns_in(text: str, table: Table) -> tuple[str, ...]:
    referenced = {_unquote(m.group(1)) for m in _NEW_REF.finditer(text)}
    return tuple(fk.name for fk in table.foreign_keys if referenced & set(fk.columns))


def analyse(table: Table) -> TriggerRules:
    """The rules the table's enabled BEFORE INSERT row triggers impose on a new row."""
    rules = TriggerRules()
    for trigger in table.triggers:
        if not (trigger.enabled and trigger.timing == "BEFORE" and trigger.for_each_row
                and "INSERT" in trigger.events and trigger.body):
            continue
        for column in claim_columns(trigger.body):
            found = table.column(column)
            if found is not None and found.not_null:
                rules.claims.append(ClaimColumn(trigger.name, column))
        for condition in raise_conditions(trigger.body):
            if (budget := _read_budget(condition, trigger.body, table, trigger.name)) is not None:
                rules.budgets.append(budget)
                continue
            rule = _read_condition(condition, table, trigger.name)
            if isinstance(rule, ParentRule):
                rules.parents.append(rule)
            elif isinstance(rule, PairRule):
                rules.pairs.append(rule)
            else:
                # `if not found`, helper functions...: probe the FKs the condition (else the body) reads
                fks = _fk_columns_in(condition, table) or _fk_columns_in(_COMMENTS.sub(" ", trigger.body), table)
                if fks and "tg_op" not in condition.lower():
                    rules.opaque.append(OpaqueCheck(trigger.name, fks))
    return rules


# ---------------------------------------------------------------------------------------- applying

def passing(frame: pl.DataFrame, conditions: tuple[Condition, ...] | list[Condition]) -> pl.Series:
    """Which rows of `frame` (columns as text) meet every condition."""
    mask = pl.Series([True] * frame.height, dtype=pl.Boolean)
    for condition in conditions:
        if condition.column not in frame.columns:
            return pl.Series([False] * frame.height, dtype=pl.Boolean)
        mask = mask & condition.mask(frame[condition.column])
    return mask


def row_keys(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """One text key per row over `columns` (to test membership of multi-column keys)."""
    return frame.select(pl.concat_str([pl.col(c).cast(pl.String).fill_null("\x00") for c in columns],
                                      separator="\x1f").alias("key")).to_series()


def keep_keys(pool: pl.DataFrame, columns: list[str], allowed: pl.DataFrame, allowed_columns: list[str]) -> pl.DataFrame:
    """The rows of `pool` whose `columns` appear among `allowed`'s `allowed_columns`, in pool order."""
    return pool.filter(row_keys(pool, columns).is_in(row_keys(allowed, allowed_columns).implode()))


def pair_pool(pools: dict[str, pl.DataFrame], fk_name: str) -> tuple[str, pl.DataFrame] | None:
    """The (key, frame) of a PairRule pool that covers `fk_name`, if the loader made one."""
    for key, frame in pools.items():
        if key.startswith(PAIR_POOL_PREFIX) and fk_name in key[len(PAIR_POOL_PREFIX):].split(",") and frame.height:
            return key, frame
    return None


def claim_column(table: Table, columns: list[str]) -> str | None:
    """The column whose value is the row's signed-in user while it is inserted, if a trigger reads auth.uid():
    the column the trigger assigns, else (when the loader does not write it) the row's NOT NULL user FK."""
    claims = analyse(table).claims
    if not claims:
        return None
    assigned = next((c.column for c in claims if c.column in columns), None)
    if assigned:
        return assigned
    owners = [fk.columns[0] for fk in table.foreign_keys if fk.ref_qualified == "auth.users" and len(fk.columns) == 1]
    return next((c for c in owners if c in columns and table.column(c) is not None and table.column(c).not_null), None)
