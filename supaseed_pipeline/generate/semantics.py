"""What a column means, from its name, its table's name, its type and its CHECKs — and values to match.

`columns.generate_values` asks here first; None means "no opinion", and the older type/name rules apply.
Everything is vectorised: pools are small tuples (vocab.py), rows pick from them by hashed row index.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate import vocab as v
from supaseed_pipeline.generate.pools import pool, slugify

INT_LIMITS = {"int2": (-32768, 32767), "int4": (-2**31, 2**31 - 1), "int8": (-2**63, 2**63 - 1)}
# person(?!al): Sanctum's personal_access_tokens and Jetstream's personal teams hold no people
PERSON_TABLE = re.compile(r"user|account|profile|member|customer|employee|person(?!al)|people|author|contact|staff|student|"
                          r"patient|client|player|driver|teacher|guest|owner|actor|composer|speaker|attendee")


# ---------------------------------------------------------------- subjects: what a table (or column prefix) holds

SUBJECTS: list[tuple[str, str]] = [
    # a board's columns, a pipeline's stages, a kanban's lanes: workflow steps, before "board" reads as a project
    (r"board_?columns?|(^|_)(stages?|lanes?|swimlanes?|pipeline_stages?|workflow_states?|kanban\w*)$", "stage"),
    (r"plan|tier|pricing", "plan"),
    # an API token's or key's name says where it is used (Sanctum's personal_access_tokens.name, api_keys.name)
    (r"(^|_)(access_?tokens?|api_?tokens?|personal_?tokens?|api_?keys?|access_?keys?|deploy_?keys?)$", "api_key"),
    (r"categor", "category"),
    (r"genre", "genre"),
    (r"^tags?$|_tags?$|^tags?_|label|topic|keyword|hashtag", "tag"),
    (r"channel|chat_?room|^rooms?$", "channel"),
    (r"project|workspace|board", "project"),
    (r"artist|band|performer|musician", "artist"),
    (r"album", "album"),
    (r"film|movie", "film"),
    (r"track|song", "track"),
    (r"book", "book"),
    (r"^cit(y|ies)$|_cit(y|ies)$|town", "city"),
    (r"^countr(y|ies)$|_countr(y|ies)$|^nations?$", "country"),
    (r"team|compan|organi[sz]ation|^orgs?$|tenant|vendor|supplier|brand|publisher|manufacturer|merchant", "company"),
    (r"task|todo|issue|ticket", "task"),
    (r"^posts?$|_posts?$|article|blog|news|stories", "headline"),
    (r"event|meetup|webinar", "event"),
    (r"store|shop|branch|warehouse|location|venue", "store"),
    (r"course|class|lesson", "course"),
    (r"^roles?$|_roles?$", "role"),
    (r"department", "department"),
    (r"product|item|goods|sku|merch|variant|listing|inventor", "product"),
    (r"review|rating|feedback|testimonial", "review"),
    (r"alert|alarm|incident", "alert"),
    (r"message|chat|^dms?$|conversation", "message"),
    (r"comment|repl(y|ies)", "comment"),
    (r"price", "price"),
    (r"subscription", "subscription"),
    (r"invoice", "invoice"),
    (r"payment|charge|transaction", "payment"),
    (r"order", "order"),
    (r"note", "note"),
]


def table_words(table: str) -> str:
    return snake_case(table.split(".")[-1])


def subject_of(text: str) -> str | None:
    text = text.lower()
    return next((s for pattern, s in SUBJECTS if re.search(pattern, text)), None)


def singular(word: str) -> str:
    word = word.split(".")[-1].lower()
    for plural, single in (("ies", "y"), ("sses", "ss"), ("ses", "s"), ("s", "")):
        if word.endswith(plural) and len(word) > len(plural) + 1:
            return word[: -len(plural)] + single
    return word


# ---------------------------------------------------------------- vectorised picking and composing

def pick(values, index: np.ndarray, purpose: int) -> pl.Series:
    values = pl.Series(list(values), dtype=pl.String) if not isinstance(values, pl.Series) else values
    return values.gather(rnd.choose(index, purpose, len(values)))


def weighted_pick(values, weights, index: np.ndarray, purpose: int) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(rnd.weighted(index, purpose, weights))


def _coprime_step(total: int) -> int:
    for step in (7919, 104729, 1299709, 15485863, 1):
        if math.gcd(step, total) == 1:
            return step
    return 1


def compose(parts: list, index: np.ndarray, purpose: int, *, unique: bool = False, sep: str = " ") -> pl.Series:
    """One value per row from the product of small lists: "Walnut" x "Desk Lamp".

    Unique: a scrambled mixed-radix walk over every combination, then " 2", " 3"... once they run out,
    so distinct row indices always give distinct values (when the list entries are distinct).
    """
    sizes = [len(p) for p in parts]
    total = int(np.prod(sizes))
    if unique:
        # the round from the index alone: the purpose's shift would start a table's rows part-way through the
        # combinations and give " 2" long before they run out (20 tags of 28 read "urgent 2")
        index64 = index.astype(np.int64)
        rounds = index64 // total
        code = ((index64 + purpose % total) % total) * _coprime_step(total) % total
    else:
        rounds = None
        code = rnd.choose(index, purpose, total)
    pieces = []
    for part, size in zip(parts, sizes):
        pieces.append(pl.Series(list(part), dtype=pl.String).gather(code % size))
        code = code // size
    out = pl.select(pl.concat_str(pieces, separator=sep)).to_series()
    if rounds is not None and rounds.any():
        suffix = pl.Series(rounds + 1).cast(pl.String)
        out = pl.select(pl.when(pl.Series(rounds > 0)).then(pl.concat_str([out, pl.lit(" "), suffix])).otherwise(out)).to_series()
    return out


def alnum(index: np.ndarray, purpose: int, length: int) -> pl.Series:
    """Random-looking [A-Za-z0-9] strings followed by the row index in base 36: unique per purpose."""
    alphabet = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)
    chars = np.empty((len(index), length), dtype=np.uint8)
    for k in range(length):
        chars[:, k] = alphabet[rnd.choose(index, purpose + k, len(alphabet))]
    head = pl.Series(chars.view(f"S{length}").ravel()).cast(pl.String) if len(index) else pl.Series([], dtype=pl.String)
    return pl.select(pl.concat_str([head, base36(index)])).to_series()


def ean13(index: np.ndarray, purpose: int) -> pl.Series:
    """EAN-13 barcodes: twelve digits and their check digit (each product's number, distinct per row)."""
    body = (rnd.hash64(index, purpose) % 10 ** 5).astype(np.int64) * 10 ** 7 + index.astype(np.int64) % 10 ** 7
    digits = np.stack([(body // 10 ** (11 - k)) % 10 for k in range(12)], axis=1)
    check = (10 - (digits[:, 0::2].sum(axis=1) + 3 * digits[:, 1::2].sum(axis=1)) % 10) % 10
    return pl.select(pl.format("{}{}", pl.Series(body).cast(pl.String).str.zfill(12), pl.Series(check))).to_series()


def letter_codes(index: np.ndarray, purpose: int, width: int) -> pl.Series:
    """`width` capital letters (ALFKI), distinct for distinct row indices below 26**width: a scrambled count
    in base 26, for a unique key too narrow for a prefixed id (a bpchar(5) customer code)."""
    total = 26 ** width
    code = (index.astype(np.int64) + purpose % total) % total * _coprime_step(total) % total
    chars = np.empty((len(index), width), dtype=np.uint8)
    for k in range(width - 1, -1, -1):
        chars[:, k] = ord("A") + code % 26
        code //= 26
    return pl.Series(chars.view(f"S{width}").ravel()).cast(pl.String) if len(index) else pl.Series([], dtype=pl.String)


def base36(index: np.ndarray) -> pl.Series:
    digits = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    width = 6
    chars = np.empty((len(index), width), dtype=np.uint8)
    rest = index.astype(np.int64).copy()
    for k in range(width - 1, -1, -1):
        chars[:, k] = digits[rest % 36]
        rest //= 36
    if len(index) == 0:
        return pl.Series([], dtype=pl.String)
    return pl.Series(chars.view(f"S{width}").ravel()).cast(pl.String)


# ---------------------------------------------------------------- names and titles by subject

def _pool_tuple(kind: str) -> tuple[str, ...]:
    return tuple(pool(kind).to_list())


NAME_PARTS = {
    "plan": lambda: [v.PLANS],
    "api_key": lambda: [v.API_KEY_NAMES],
    "country": lambda: [_pool_tuple("country")],
    "stage": lambda: [v.WORKFLOW_STAGES],
    "category": lambda: [v.CATEGORIES],
    "genre": lambda: [v.GENRES],
    "tag": lambda: [v.TAGS],
    "channel": lambda: [v.CHANNELS],
    "project": lambda: [v.PROJECT_CODENAMES, v.PROJECT_SUFFIXES],
    "artist": lambda: [v.ARTIST_FIRST, v.ARTIST_SECOND],
    "album": lambda: [v.TITLE_FIRST, v.TITLE_SECOND],
    "track": lambda: [v.TITLE_FIRST, v.TITLE_SECOND],
    "film": lambda: [v.FILM_PREFIXES, v.FILM_NOUNS],
    "book": lambda: [v.TITLE_FIRST, v.BOOK_NOUNS],
    "city": lambda: [_pool_tuple("city")],
    "company": lambda: [_pool_tuple("company")],
    "task": lambda: [v.TASK_VERBS, v.TASK_OBJECTS],
    "headline": lambda: [v.HEADLINE_STARTS, v.HEADLINE_ENDS],
    "event": lambda: [v.PROJECT_CODENAMES, v.EVENT_KINDS],
    "store": lambda: [v.STORE_NAMES, ("Store", "Shop", "Branch", "Outlet")],
    "course": lambda: [v.COURSE_TOPICS, v.COURSE_LEVELS],
    "role": lambda: [v.ROLES],
    "department": lambda: [v.JOB_DEPARTMENTS],
    "product": lambda: [v.PRODUCT_ADJECTIVES, v.PRODUCT_MATERIALS, v.PRODUCT_NOUNS],
    "price": lambda: [v.PLANS, ("Monthly", "Yearly")],
    "subscription": lambda: [v.PLANS, ("Monthly", "Yearly")],
}


def name_values(subject: str | None, table: str, index: np.ndarray, purpose: int, unique: bool) -> pl.Series:
    """Readable names for what the table holds; an unknown subject reads "<Thing> <Codename>"."""
    maker = NAME_PARTS.get(subject or "")
    parts = maker() if maker else [(singular(table_words(table)).replace("_", " ").title(),), v.PROJECT_CODENAMES]
    if subject == "tag":
        return compose(parts, index, purpose, unique=unique).str.replace(" ", "-")
    return compose(parts, index, purpose, unique=unique)


def name_subject(column: str, table: str) -> str | None:
    """`product_name` names a product wherever it sits; a plain `name`/`title` names the table's subject."""
    prefix = re.sub(r"_?(name|title|label)$", "", snake_case(column))
    if prefix and prefix not in {"display", "full", "first", "last", "user", "given", "family"}:
        found = subject_of(prefix)
        if found:
            return found
    return subject_of(table_words(table))


# ---------------------------------------------------------------- free text by subject

def text_values(subject: str | None, column: str, table: str, index: np.ndarray, purpose: int) -> pl.Series:
    col = snake_case(column)
    if re.search(r"bio|about", col) or (PERSON_TABLE.search(table_words(table)) and re.search(r"description|summary", col)):
        return pl.select(pl.concat_str([pick(v.BIOS_ROLE, index, purpose), pl.lit(" based in "),
                                     pick(pool("city"), index, purpose + 1), pl.lit(". "),
                                     pick(v.BIOS_HOBBY, index, purpose + 2)])).to_series()
    if re.search(r"note", col) or subject == "note":
        return pick(v.NOTES, index, purpose)
    if subject == "review" or re.search(r"review", col):
        return pick(v.REVIEWS, index, purpose)
    if subject == "alert":
        return pick(v.ALERT_TEXTS, index, purpose)
    if subject == "message" or re.search(r"message", col):
        return pick(v.CHAT_MESSAGES, index, purpose)
    if subject == "comment" or re.search(r"comment", col):
        return pick(v.COMMENTS, index, purpose)
    if subject == "product":
        return pl.select(pl.concat_str([pick(v.PRODUCT_ADJECTIVES, index, purpose), pl.lit(" "),
                                        pick(v.PRODUCT_NOUNS, index, purpose + 1).str.to_lowercase(), pl.lit(" in "),
                                        pick(v.PRODUCT_MATERIALS, index, purpose + 2).str.to_lowercase(), pl.lit(". "),
                                        pick(v.PRODUCT_BENEFITS, index, purpose + 3)])).to_series()
    if subject in {"price", "subscription"}:
        return pick(v.SUBJECT_DESCRIPTIONS["plan"], index, purpose)
    if subject in {"track", "album", "artist"}:
        return pl.select(pl.concat_str([pick(v.GENRES[:20], index, purpose), pl.lit(" from "),
                                        pick(("1968", "1977", "1984", "1991", "1999", "2004", "2012", "2019", "2023"), index, purpose + 1),
                                        pl.lit(". "), pick(v.REVIEWS[16:], index, purpose + 2)])).to_series()
    if subject == "headline":
        return pl.select(pl.concat_str([compose([v.HEADLINE_STARTS, v.HEADLINE_ENDS], index, purpose), pl.lit(". "),
                                        pick(v.GENERIC_SENTENCES, index, purpose + 1), pl.lit(" "),
                                        pick(v.GENERIC_SENTENCES, index, purpose + 2)])).to_series()
    if subject == "task":
        return pick(v.NOTES + v.COMMENTS, index, purpose)
    described = {"plan": "plan", "category": "category", "genre": "category", "tag": "category", "project": "project",
                 "film": "film", "event": "event", "channel": "channel", "course": "event"}.get(subject or "")
    if described:
        return pick(v.SUBJECT_DESCRIPTIONS[described], index, purpose)
    return pl.select(pl.concat_str([pick(v.GENERIC_SENTENCES, index, purpose), pick(v.GENERIC_SENTENCES, index, purpose + 1)],
                                   separator=" ")).to_series()


# ---------------------------------------------------------------- typed text

STRIPE_PREFIXES = {"customer": "cus_", "subscription": "sub_", "price": "price_", "product": "prod_",
                   "payment_intent": "pi_", "invoice": "in_", "charge": "ch_", "plan": "plan_", "checkout_session": "cs_",
                   "session": "cs_", "payment_method": "pm_", "subscription_item": "si_", "refund": "re_",
                   "setup_intent": "seti_", "coupon": "co_", "event": "evt_", "payout": "po_", "account": "acct_",
                   "variant": "var_", "order": "ord_", "transaction": "txn_"}
_PROVIDER_ID = re.compile(r"^(?:stripe_|paddle_|lemon_?squeezy_|provider_|external_|billing_|gateway_)?"
                          r"(" + "|".join(sorted(STRIPE_PREFIXES, key=len, reverse=True)) + r")_id$")


def oauth_value(col: str, spec, index: np.ndarray, purpose: int) -> pl.Series | None:
    """The columns of an OAuth account link (a row per user and provider, found by the provider and the user's id
    there: Auth.js / NextAuth's provider + providerAccountId, Better Auth's providerId + accountId, Lucia's
    provider_id + provider_user_id): which provider, the id, the token's kind and scope; None for any other
    column (tokens are secret_hex)."""
    siblings = {snake_case(c) for c in spec.siblings} | {col}
    if not ({"provider", "provider_id"} & siblings and {"provider_account_id", "provider_user_id", "account_id"} & siblings):
        return None
    if col in {"provider", "provider_id"}:
        return weighted_pick(v.OAUTH_PROVIDERS, v.OAUTH_PROVIDER_WEIGHTS, index, purpose)
    if col in {"provider_account_id", "provider_user_id", "account_id"}:
        # the user's id at the provider, digits as GitHub's and Google's are: a random lead of fixed width, then
        # a one-to-one scramble of the row index (unique)
        lead = pl.Series(rnd.integers(index, purpose, 100, 999)).cast(pl.String)
        scrambled = (np.asarray(index, dtype=np.int64) * 7919 + purpose % 100_000_000) % 100_000_000
        return pl.select(pl.concat_str([lead, pl.Series(scrambled).cast(pl.String).str.zfill(8)])).to_series()
    if col == "type":
        return weighted_pick(("oauth", "oidc", "email"), (70, 25, 5), index, purpose)
    if col == "token_type":
        return pl.Series(["bearer"] * len(index))
    if col == "scope":
        return pick(v.OAUTH_SCOPES, index, purpose)
    if col == "session_state" and not spec.column.not_null:
        return pl.Series([None] * len(index), dtype=pl.String)   # only some providers send one
    return None


def _lowercase_schema_hint(spec) -> bool:
    """Lowercase codes when the column's default or CHECK shows lowercase ('usd'), uppercase otherwise."""
    texts = [spec.column.default or ""] + [str(a.value) for a in spec.atoms]
    for text in texts:
        letters = re.findall(r"'([A-Za-z]{3})'", text) or re.findall(r"\[a-z\]", text)
        if letters:
            return all(t == t.lower() for t in letters)
    return False


def typed_text(spec, index: np.ndarray, seed: int) -> pl.Series | None:
    """Text whose column name says what it holds; None when the name says nothing we know."""
    col, table = snake_case(spec.name), spec.table
    purpose = rnd.salt(seed, table, spec.name)
    subject = subject_of(table_words(table))
    if re.search(r"currency|^curr$", col):
        codes = weighted_pick(v.CURRENCIES, v.CURRENCY_WEIGHTS, index, purpose)
        return codes.str.to_lowercase() if _lowercase_schema_hint(spec) or "stripe" in col else codes
    oauth = oauth_value(col, spec, index, purpose)
    if oauth is not None:
        return oauth
    if DOMAIN_COLUMN.search(col):
        # a company's domain, unique by the index between its name and its TLD: "cochran17.com"
        parts = pick(_pool_tuple("domain"), index, purpose).str.split_exact(".", 1)
        return pl.select(pl.format("{}{}.{}", parts.struct.field("field_0"), pl.Series(np.asarray(index, dtype=np.int64)),
                                   parts.struct.field("field_1"))).to_series()
    if re.search(r"^(billing|payment|payments|subscription)_provider$", col):
        return weighted_pick(("stripe", "lemon-squeezy", "paddle"), (80, 12, 8), index, purpose)
    if re.search(r"^(billing|billing_customer|payment_customer)_id$", col):
        return pl.select(pl.concat_str([pl.lit("cus_"), alnum(index, purpose, 12)])).to_series()
    if col == "identifier" and TOKEN_TABLE.search(table_words(table)):
        # whom a verification token was sent to (Auth.js: the email address)
        from supaseed_pipeline.generate.columns import emails
        return emails(index, seed, table=table)
    provider = _PROVIDER_ID.match(col)
    if provider or (col == "id" and singular(table_words(table)) in STRIPE_PREFIXES):
        stem = provider.group(1) if provider else singular(table_words(table))
        return pl.select(pl.concat_str([pl.lit(STRIPE_PREFIXES[stem]), alnum(index, purpose, 8)])).to_series()
    if col == "id" or col == f"{singular(table_words(table))}_id":
        # a text key nobody references by meaning: prefixed by what the row is (a product variant's variant_,
        # a line item's item_, Stripe's own prefixes where it has one), unique by the index
        entity = re.sub(r"[^a-z_]", "", singular(table_words(table))).split("_")[-1] or "id"
        prefix = STRIPE_PREFIXES.get(entity) or (entity if len(entity) <= 8 else entity[:4]) + "_"
        return pl.select(pl.concat_str([pl.lit(prefix), alnum(index, purpose, 8)])).to_series()
    if re.search(r"^(billing_|plan_|recurring_|renewal_)?(interval|period|interval_unit|billing_cycle|cycle)$", col):
        return weighted_pick(v.INTERVAL_UNITS, v.INTERVAL_WEIGHTS, index, purpose)
    if re.search(r"frequency", col):
        return weighted_pick(v.FREQUENCIES, v.INTERVAL_WEIGHTS, index, purpose)
    if re.search(r"(^|_)(branch|branch_name|ref_name)$", col):
        # git branches: main, feature/onboarding-emails, fix/login-redirect
        return pl.select(pl.when(pl.Series(rnd.uniform(index, purpose) < 0.3)).then(pl.lit("main")).otherwise(
            pl.concat_str([pick(v.BRANCH_KINDS, index, purpose + 1), pl.lit("/"),
                           slugify(pl.lit(pick(v.TASK_OBJECTS, index, purpose + 2)))]))).to_series()
    if re.search(r"^(raw|cooked|body_html|html_body|markdown|body_markdown)$", col):
        # a post's source and its rendering: sentences, in a paragraph tag when the column holds HTML
        text = pl.select(pl.concat_str([pick(v.GENERIC_SENTENCES, index, purpose), pick(v.COMMENTS, index, purpose + 1)],
                                       separator=" ")).to_series()
        return pl.select(pl.format("<p>{}</p>", text)).to_series() if re.search(r"cooked|html", col) else text
    if re.search(r"^government_?form$|^form_of_government$", col):
        return pick(v.GOVERNMENT_FORMS, index, purpose)
    if re.search(r"^local_?name$|^native_?name$", col) and re.search(r"countr|nation", table_words(table)):
        return compose([_pool_tuple("country")], index, purpose, unique=spec.unique)
    if re.search(r"^session_?key$", col):
        # Django's session key: 32 lower-case letters and digits
        return alnum(index, purpose, 26).str.to_lowercase()
    if re.search(r"(^|_)object_?id$", col):
        return pl.Series(rnd.integers(index, purpose, 1, 5000)).cast(pl.String)
    if re.search(r"(^|_)object_?repr$", col):
        # what Django's admin log shows: the object's default str()
        return pl.select(pl.format("{} object ({})", pick(v.MODEL_NAMES, index, purpose),
                                   pl.Series(rnd.integers(index, purpose + 1, 1, 5000)))).to_series()
    if re.search(r"^(model|model_name|model_number|hardware_model|device_model)$", col):
        # a product line and a number: "Sense T200", "Atlas X-310"
        return pl.select(pl.concat_str([pick(v.MODEL_LINES, index, purpose), pl.lit(" "), pick(v.MODEL_LETTERS, index, purpose + 1),
                                        pl.Series(rnd.integers(index, purpose + 2, 1, 9) * 100).cast(pl.String)])).to_series()
    if re.search(r"(^|_)external_?id$|^(remote|source|vendor|partner)_id$", col):
        return pl.select(pl.concat_str([pl.lit("ext_"), alnum(index, purpose, 10)])).to_series()
    if re.search(r"idempotency|request_id$|correlation_id$|trace_id$", col):
        return rnd.uuids(index, purpose)
    if re.search(r"(^|_)(barcode|ean|ean13|gtin|upc)$", col) and (spec.column.max_length or 13) >= 13:
        return ean13(index, purpose)
    if col == "title" and (re.search(r"(^|_)(titles|job_titles|positions|roles_held)$", table_words(table))
                           or any(re.search(r"^(emp_no|employee_id|staff_id)$", snake_case(c)) for c in spec.siblings)):
        return pick(pool("job"), index, purpose)
    if re.search(r"(quantity|qty)_per_unit|(^|_)(pack(age)?|unit|case)_size$", col):
        # how a product ships: "24 - 12 oz bottles"
        return pl.select(pl.concat_str([pick(v.PACK_COUNTS, index, purpose), pl.lit(" - "), pick(v.PACK_SIZES, index, purpose + 1),
                                        pl.lit(" "), pick(v.PACK_CONTAINERS, index, purpose + 2)])).to_series()
    if re.search(r"mime|content_type|media_type|file_type", col):
        return pick(v.MIME_TYPES, index, purpose)
    if re.search(r"file_?name|original_?name|attachment_?name", col):
        return _file_names(index, purpose)
    if re.search(r"(^|_)(path|storage_key|object_key|s3_key|file_key)$", col):
        return pl.select(pl.concat_str([pick(v.FOLDERS, index, purpose), pl.lit("/"),
                                        pick([str(y) for y in range(2022, 2027)], index, purpose + 7), pl.lit("/"),
                                        _file_names(index, purpose + 1)])).to_series()
    if re.search(r"user_?agent|^ua$", col):
        return pick(pool("user_agent"), index, purpose)
    if re.search(r"(^|_)ip(_?addr(ess)?)?$", col):
        return pick(_pool_tuple("ipv4"), index, purpose)
    if re.search(r"locale", col):
        return pick(v.LOCALES if (spec.column.max_length or 9) >= 5 else v.LANGUAGES, index, purpose)
    if re.search(r"^(lang|language|language_code|preferred_language|lang_code)$", col):
        return pick(v.LANGUAGES, index, purpose)
    if re.search(r"time_?zone|^tz$|_tz$", col):
        return pick(v.TIMEZONES, index, purpose)
    if re.search(r"colou?r", col) and "name" not in col:
        digits = [pick(list("0123456789abcdef"), index, purpose + k) for k in range(6)]
        return pl.select(pl.concat_str([pl.lit("#"), *digits])).to_series()
    if re.search(r"version", col):
        parts = [pl.Series(rnd.integers(index, purpose + k, 0, hi)).cast(pl.String) for k, hi in enumerate((4, 12, 20))]
        return pl.select(pl.concat_str(parts, separator=".")).to_series()
    patterns = [str(a.value) for a in spec.atoms if a.op in {"~", "~*"}]
    by_meaning = _purpose_reason_topic_action(col, table, spec.siblings, index, purpose, patterns)
    if by_meaning is not None:
        return by_meaning
    if PLACE_COLUMN.search(col):
        return place_values(spec, index, purpose)
    territory = re.search(r"(^|_)(regions?|territor(y|ies)|sales_territor(y|ies))$", table_words(table))
    if territory and re.search(r"(^|_)(description|desc|name|label)$", col) and \
            not (col.endswith("description") and any(snake_case(c) in {"name", "label"} for c in spec.siblings)):
        # a region's or territory's words are its name (Northwind's region_description "Eastern", territories
        # "Bedford"), not a sentence about it
        names = v.SALES_REGIONS if "region" in territory.group(0) else _pool_tuple("city")
        return compose([names], index, purpose, unique=spec.unique)
    place = any(re.search(r"city|zip|postal|postcode|address|country", snake_case(c)) for c in spec.siblings) or \
        re.search(r"address|location|countr|cit(y|ies)", table_words(table))
    if col == "state" and place:
        return place_values(spec, index, purpose)
    if re.search(r"(^|_)status$", col) or col == "state":
        return pick(v.STATUS_BY_SUBJECT.get(singular(table_words(table)).split("_")[-1])
                    or v.STATUS_BY_SUBJECT.get(subject or "") or v.DEFAULT_STATUSES, index, purpose)
    if re.search(r"^(type|kind)$|_type$", col):
        return pick(v.TYPE_BY_SUBJECT.get(singular(table_words(table)).split("_")[-1])
                    or v.TYPE_BY_SUBJECT.get(subject or "") or v.DEFAULT_TYPES, index, purpose)
    if re.search(r"^role$|_role$", col):
        return weighted_pick(v.ROLES, (5, 10, 60, 15, 8, 2), index, purpose)
    if re.search(r"(^|_)sku$", col):
        return pl.select(pl.concat_str([pl.lit("SKU-"), alnum(index, purpose, 4).str.to_uppercase()])).to_series()
    if identifier_column(spec.name):
        # a product, account or order number: letters from the column's name, then eight digits that are a
        # one-to-one scramble of the row index (unique, and not counting up)
        words = [w for w in snake_case(spec.name).split("_")
                 if w and w not in {"number", "no", "num", "code", "ref", "reference", "id"}]
        prefix = ("".join(w[0] for w in words[:2]) if len(words) > 1 else "".join(words)[:2]).upper() or "NO"
        digits = (np.asarray(index, dtype=np.int64) * 7919 + purpose % 100_000_000) % 100_000_000
        return pl.select(pl.concat_str([pl.lit(prefix), pl.Series(digits).cast(pl.String).str.zfill(8)])).to_series()
    if re.search(r"^(territory_|region_|sales_)?group$", col) and re.search(r"territor|region|area|market|zone", table_words(table)):
        # the group a sales territory rolls up to: a part of the world
        return pick(v.TERRITORY_GROUPS, index, purpose)
    if re.search(r"^(variant|tier|edition)(_name)?$", col):
        # a product's or ticket's variant: the labels shops use
        return pick(v.VARIANT_LABELS, index, purpose)
    if re.search(r"(^|_)middle_?(name|initial)$", col):
        return pick([f"{letter}." for letter in "ABCDEFGHJKLMNPRSTW"], index, purpose)
    if re.search(r"slug|subdomain|(^|_)host_?name$", col) or (
            col == "handle" and not PERSON_TABLE.search(table_words(table)) and {"title", "name"} & set(spec.siblings)):
        # a product's handle is the slug of its title (Shopify, Medusa), not a username
        # the slug of the row's own name when the table has one, else of a name the table could have
        name_col = next((c for c in ("name", "title", "label") if c in spec.siblings), None)
        if name_col and PERSON_TABLE.search(table_words(table)) and name_col == "name":
            return None
        names = name_values(name_subject(name_col or "name", table), table, index,
                            rnd.salt(seed, table, name_col) if name_col else purpose, True)
        return pl.select(slugify(pl.lit(names))).to_series()
    if re.search(r"composer|director|^artist$|^author$|instructor|speaker|^manager$|^owner_name$|^assignee$|"
                 r"head_?of_?state|^president$|^monarch$|^mayor$|^governor$", col):
        from supaseed_pipeline.generate.columns import person_names
        first, last = person_names(index, seed, f"{table}.{col}")
        return pl.select(pl.concat_str([first, last], separator=" ")).to_series()
    if col == "title" and PERSON_TABLE.search(table_words(table)):
        return pick(pool("job"), index, purpose)
    is_name = re.search(r"^(name|title|label)$|_(name|title)$", col)
    person_column = re.search(r"first|last|given|family|full|display|user|contact|author|file|sur|nick|screen", col)
    if is_name and not person_column and not (col == "name" and PERSON_TABLE.search(table_words(table))):
        # beside a slug the name is unique too, so that the slug can be the slug of the name and stay unique
        return name_values(name_subject(col, table), table, index, purpose, spec.unique or "slug" in spec.siblings)
    if re.search(r"description|(^|_)desc$|^body$|^content$|^text$|summary|details|^bio$|about|notes?$|comment|message|review", col):
        return text_values(subject, col, table, index, purpose)
    if col.endswith("_id"):
        # an id kept as text with no foreign key (Better Auth's session.activeOrganizationId): an id of what it
        # names, not the words its name would otherwise give ("Bell, Cortez and Rodriguez")
        entity = col[:-3].split("_")[-1] or "id"
        return pl.select(pl.concat_str([pl.lit((entity if len(entity) <= 8 else entity[:4]) + "_"), alnum(index, purpose, 8)])).to_series()
    if col.endswith("_by"):
        # who did it, kept as text with no foreign key: a user's id; a rare act (impersonated_by, banned_by)
        # is missing on most rows where the column allows it
        ids = pl.select(pl.concat_str([pl.lit("user_"), alnum(index, purpose, 8)])).to_series()
        routine = re.search(r"^(created|updated|modified|owned|assigned|requested|submitted)_by$", col)
        if spec.column.not_null or routine:
            return ids
        return pl.select(pl.when(pl.Series(rnd.uniform(index, purpose + 1) < 0.85)).then(None).otherwise(ids)).to_series()
    if re.search(r"^(abilities|scopes)$", col) and re.search(r"token|api_?key", table_words(table)):
        # what the token may do, the JSON list Sanctum stores in text
        return pick(v.TOKEN_ABILITIES, index, purpose)
    if col in {"value", "code"} and TOKEN_TABLE.search(table_words(table)) and not spec.atoms:
        # what a verification row holds: the token a link carries
        return rnd.hex_tokens(index, purpose)
    return None


# An identifier people read out (product_number, account_number, NationalIDNumber, order_no, ref_code); not the
# numbers and codes other rules know (phones, cards, places, currencies, languages, versions, colours, coupons).
IDENTIFIER_COLUMN = re.compile(r"(^|_)(number|no|num|ref|reference)$|_code$")
NOT_IDENTIFIER = re.compile(r"^(phone|mobile|fax|street|house|card|zip|postal|postcode|country|currency|lang\w*|colou?rs?|"
                            r"promo|coupon|discount|invite|invitation|verif\w*|state|province|region|county|district|"
                            r"prefecture|version|time|zone|timezone|tz|locale|mime|ip|otp|auth|confirm\w*|recovery|reset|"
                            r"secret|pin|token|status|area|http)$")


@functools.lru_cache(maxsize=8192)   # every name-based rule reads it, for every column of every batch
def snake_case(name: str) -> str:
    """NationalIDNumber -> national_id_number (quoted mixed-case names keep their word boundaries)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def identifier_column(name: str) -> bool:
    """Whether `typed_text` gives the column readable identifiers (unique by construction)."""
    col = snake_case(name)
    return bool(IDENTIFIER_COLUMN.search(col)) and not any(NOT_IDENTIFIER.match(word) for word in col.split("_"))


# A place inside a country: billing_state, shipping_province, district, county, region (a bare `state` is
# decided in typed_text, since it may be a workflow state).
PLACE_COLUMN = re.compile(r"^(billing|shipping|mailing|home|delivery|postal|bill|ship|residence)_"
                          r"(state|province|region|county|district|prefecture)(_name|_code)?$|"
                          r"^(province|region|county|district|prefecture)(_name|_code)?$|^state_(name|code)$")
INFRA_TABLE = re.compile(r"(^|_)(projects?|servers?|instances?|clusters?|deployments?|databases?|buckets?|nodes?|hosts?|"
                         r"functions?|apps?|environments?)(_|$)")
TOKEN_TABLE = re.compile(r"nonce|token|otp|one_time|verification|magic|challenge|invite|invitation")
PERMISSION_TABLE = re.compile(r"permission|polic|acl|grant|privilege|abilit|rule")
CHAT_TABLE = re.compile(r"channel|chat|room|conversation|thread|group")


def place_values(spec, index: np.ndarray, purpose: int) -> pl.Series:
    """States, provinces, districts: names from the state pool, postal codes when the column is 2-3 wide.

    A `region` beside no address column, on an infrastructure table, is a cloud region (us-east-1)."""
    col, table = snake_case(spec.name), table_words(spec.table)
    place = any(re.search(r"city|zip|postal|postcode|address|country|street", snake_case(c)) for c in spec.siblings)
    if re.match(r"^region(_code)?$", col) and not place and INFRA_TABLE.search(table):
        return pick(v.CLOUD_REGIONS, index, purpose)
    if re.match(r"^(region|subregion|sub_region)$", col) and re.search(r"countr|nation", table):
        return pick(v.WORLD_REGIONS, index, purpose)   # a country's region is a part of the world
    if (spec.column.max_length or 99) <= 3 or col.endswith("_code"):
        return pick(v.US_STATE_CODES, index, purpose)
    return pick(pool("state"), index, purpose)


def _reason_kind(col: str, table: str) -> str | None:
    for pattern, kind in ((r"cancel", "cancel"), (r"refund|return|chargeback|dispute", "refund"),
                          (r"revo[kc]", "revoke"), (r"(^|_)(ban|bans|banned|block|blocked|suspen\w*|deactivat\w*)(_|$)", "ban"),
                          (r"reject|declin|(^|_)den(y|ied|ial)","reject")):
        if re.search(pattern, col) or re.search(pattern, table):
            return kind
    return None


def _purpose_reason_topic_action(col: str, table: str, siblings, index: np.ndarray, purpose: int,
                                 patterns: list[str] = ()) -> pl.Series | None:
    """Short labels a table's subject decides: a token's purpose, a cancellation reason, a channel's topic,
    a todo's task, an audit log's action. None when the column is none of these."""
    words = table_words(table)
    if re.search(r"(^|_)purpose$", col):
        token = TOKEN_TABLE.search(words) or any(re.search(r"token|nonce|expires", snake_case(c)) for c in siblings)
        return pick(v.TOKEN_PURPOSES if token else v.PURPOSES, index, purpose)
    if re.search(r"(^|_)reason(_text)?$", col):
        kind = _reason_kind(col, words)
        return pick(v.REASONS_BY_KIND[kind] if kind else v.REASONS, index, purpose)
    if re.search(r"^(topic|topic_name|subject_line)$|_topic$", col):
        return pick(v.CHANNEL_TOPICS if CHAT_TABLE.search(words) else v.TOPICS, index, purpose)
    if re.search(r"^(task|todo|to_do|todo_text|task_text)$", col):
        return name_values("task", table, index, purpose, False)
    if re.search(r"^(action|action_name|verb|activity|event_action)$", col):
        if PERMISSION_TABLE.search(words):
            return pick(v.PERMISSION_ACTIONS, index, purpose)
        if any(r"\." in p for p in patterns):   # CHECK (action ~ '^[a-z_]+\.[a-z_]+$'): entity.verb, as Stripe's events
            return pick(v.DOTTED_ACTIONS, index, purpose)
        return weighted_pick(v.AUDIT_ACTIONS, v.AUDIT_ACTION_WEIGHTS, index, purpose)
    if re.search(r"^(event|event_name|event_type)$", col) and re.search(r"(^|_)(activit\w*|audit\w*|logs?|histor\w*)$", words):
        # what happened to the subject in an activity or audit log (spatie's activity_log.event: created, updated)
        return weighted_pick(v.AUDIT_ACTIONS, v.AUDIT_ACTION_WEIGHTS, index, purpose)
    if re.search(r"^(operation|op|tg_op|db_operation)$", col):
        return weighted_pick(v.DB_OPERATIONS, (45, 45, 10), index, purpose)
    return None


def _file_names(index: np.ndarray, purpose: int) -> pl.Series:
    return pl.select(pl.concat_str([pick(v.FILE_STEMS, index, purpose), pl.lit("-"),
                                    pl.Series(rnd.integers(index, purpose + 1, 1, 999)).cast(pl.String), pl.lit("."),
                                    pick(v.FILE_EXTENSIONS, index, purpose + 2)])).to_series()


# Texts built here are unique by construction when spec.unique (composed names, index-suffixed ids).
DOMAIN_COLUMN = re.compile(r"^(domain|custom_domain|email_domain|website_domain|primary_domain)$")
UNIQUE_READY = re.compile(r"^id$|_id$|slug|subdomain|(^|_)host_?name$|sku|^(name|title|label)$|_(name|title)$|^session_?key$|"
                          + DOMAIN_COLUMN.pattern)


# ---------------------------------------------------------------- numbers by meaning

def int_bounds(spec) -> tuple[int, int]:
    """The type's range narrowed by the column's CHECK bounds."""
    low, high = INT_LIMITS.get(spec.base_type, (-2**63, 2**63 - 1))
    for atom in spec.atoms:
        if isinstance(atom.value, bool) or not isinstance(atom.value, (int, float)):
            continue
        if atom.op == ">":
            low = max(low, math.floor(atom.value) + 1)
        elif atom.op == ">=":
            low = max(low, math.ceil(atom.value))
        elif atom.op == "<":
            high = min(high, math.ceil(atom.value) - 1)
        elif atom.op == "<=":
            high = min(high, math.floor(atom.value))
    return low, high


def numeric_bounds(spec) -> tuple[float, float]:
    low, high = -1e15, 1e15
    precision, scale = spec.column.numeric_precision, spec.column.numeric_scale
    if spec.base_type == "numeric" and precision:
        high = 10 ** (precision - (scale or 0)) - 10 ** -(scale or 0)
        low = -high
    for atom in spec.atoms:
        if isinstance(atom.value, bool) or not isinstance(atom.value, (int, float)):
            continue
        step = 10 ** -(scale or 2)
        if atom.op in {">", ">="}:
            low = max(low, atom.value + (step if atom.op == ">" else 0))
        elif atom.op in {"<", "<="}:
            high = min(high, atom.value - (step if atom.op == "<" else 0))
    return low, high


# name pattern -> (low, high, shape): shape "uniform", "small" (skewed to low), "log" (log-uniform)
INT_MEANINGS: list[tuple[str, tuple[int, int, str]]] = [
    (r"(^|_)years?$|^yr$|_year_|year_(of|built|founded|published|released)", (1960, 2025, "uniform")),
    # an enum kept as an integer (Rails' `enum status: {...}`, Django's IntegerChoices): a few codes, the first
    # (the column's default) the most common, not a number up to 1000
    (r"(^|_)(status|state|kind|visibility)$", (0, 3, "small")),
    # Unix seconds (an OAuth token's expires_at, a JWT's exp/iat): around the anchor day, some already past
    (r"^(expires_at|expires|exp|iat|issued_at|refresh_token_expires_at)$", (1_780_000_000, 1_786_000_000, "uniform")),
    (r"millis|_ms$", (20, 3000, "log")),
    # an integer *_at or last_activity is a Unix time too (Laravel's sessions.last_activity, jobs.available_at),
    # in the two years before the anchor day — not a count of 527
    (r"_at$|^last_activity$", (1_720_000_000, 1_780_000_000, "uniform")),
    (r"interval_count|billing_interval_count", (1, 1, "uniform")),
    (r"trial_period_days|trial_days", (7, 30, "uniform")),
    (r"rental_duration", (3, 7, "uniform")),
    (r"_days$|^days$", (1, 30, "uniform")),
    (r"hours", (1, 12, "uniform")),
    (r"minutes|_mins?$", (5, 120, "uniform")),
    (r"seconds|_secs?$|^duration$", (30, 3600, "log")),
    (r"bytes|file_?size|^size$|_size$", (10_000, 20_000_000, "log")),
    (r"percent|pct|percentage|progress", (0, 100, "uniform")),
    (r"discount", (5, 50, "uniform")),
    (r"quantity|qty|^seats$|_seats$", (1, 10, "small")),
    (r"stock|inventory|on_hand", (0, 500, "uniform")),
    (r"rating|stars|score", (1, 5, "uniform")),
    (r"priority", (1, 5, "uniform")),
    (r"^age$", (18, 80, "uniform")),
    (r"count$|_count|views|likes|followers|downloads|clicks|visits", (0, 1000, "small")),
    (r"position|sort_?order|rank|ordinal|seq|sort|order_index|display_order", (1, 100, "uniform")),
    (r"version|revision", (1, 5, "uniform")),
    (r"salary", (30_000, 180_000, "uniform")),
    (r"^population$|_population$", (5_000, 50_000_000, "log")),
    (r"(^|_)indep_?year$|year_?(of_)?independence", (1776, 1993, "uniform")),
    (r"life_?expectancy", (55, 85, "uniform")),
    (r"surface_?area|area_km2|land_area", (300, 9_000_000, "log")),
    (r"^action_?flag$", (1, 3, "uniform")),   # Django's admin log: addition, change, deletion
    (r"level|tier", (1, 10, "uniform")),
    # sensor readings: a room or a field, not prices clipped to the CHECK's edge
    (r"temp(erature)?(_c|_celsius)?$", (-5, 35, "uniform")),
    (r"humidity", (20, 90, "uniform")),
    (r"pressure(_hpa)?$", (980, 1040, "uniform")),
    (r"battery|charge_level", (5, 100, "uniform")),
    (r"(^|_)(wip|work_in_progress)_limit$|_limit$", (3, 20, "uniform")),
]
SUBJECT_INT_MEANINGS = {
    ("track", r"millis|_ms$"): (90_000, 420_000, "uniform"),
    ("track", r"seconds|^duration$"): (90, 420, "uniform"),
    ("film", r"^length$|minutes|runtime"): (80, 180, "uniform"),
}


def _shape(index: np.ndarray, purpose: int, low: float, high: float, shape: str) -> np.ndarray:
    u = rnd.uniform(index, purpose)
    if shape == "small":
        u = u ** 3
    if shape == "log" and low > 0:
        return np.exp(np.log(low) + u * (np.log(high + 1) - np.log(low)))
    return low + u * (high - low + (1 if shape != "float" else 0))


def int_meaning(spec) -> tuple[int, int, str] | None:
    col = snake_case(spec.name)
    subject = subject_of(table_words(spec.table))
    for (subj, pattern), meaning in SUBJECT_INT_MEANINGS.items():
        if subj == subject and re.search(pattern, col):
            return meaning
    if re.search(r"cents|unit_amount|amount|price|cost|total|fee|balance|revenue", col):
        return None   # money: see money_values
    return next((meaning for pattern, meaning in INT_MEANINGS if re.search(pattern, col)), None)


FLAG_INT = re.compile(r"^(is|has|can|should)_|^(active|enabled|verified|visible|deleted|archived|banned|disabled|"
                      r"activebool|published|confirmed)$")


def int_values(spec, index: np.ndarray, purpose: int) -> pl.Series:
    """Integers by meaning, always inside the type and the CHECK range (spread over it, not piled at its edge)."""
    low, high = int_bounds(spec)
    if re.search(r"cents|unit_amount|amount|price|cost|total|fee|balance|revenue", snake_case(spec.name)):
        values = money_values(spec, index, purpose, cents=_in_cents(spec))
        return pl.Series(np.clip(np.round(values.to_numpy()).astype(np.int64), low, high))
    if FLAG_INT.search(snake_case(spec.name)) and low <= 0 and high >= 1:
        # an integer flag (pagila's customer.active, MySQL-born schemas' tinyint booleans): 0 or 1, mostly set
        # where the name says on, mostly unset where it says gone
        share = 0.1 if re.search(r"deleted|archived|banned|disabled", snake_case(spec.name)) else 0.8
        return pl.Series((rnd.uniform(index, purpose) < share).astype(np.int64))
    meaning = int_meaning(spec) or (1, 1000, "uniform")
    m_low, m_high, shape = meaning
    if "interval_count" in snake_case(spec.name):
        picks = np.array([1, 1, 1, 1, 1, 3, 6, 12])[rnd.choose(index, purpose, 8)]
        return pl.Series(np.clip(picks, low, high))
    if "trial_period_days" in snake_case(spec.name) or "trial_days" in snake_case(spec.name):
        return pl.Series(np.clip(np.array([7, 14, 14, 30])[rnd.choose(index, purpose, 4)], low, high))
    if re.search(r"rating|stars|score", snake_case(spec.name)) and high - low <= 100:
        m_low, m_high = low, high   # a rating uses the scale its CHECK declares (0-10, 1-5)
    if m_high < low or m_low > high:
        # the CHECK says something else than the name: spread over the CHECK's range (bounded to a sane width)
        m_low, m_high = low, min(high, low + 1000) if high - low > 1000 else high
        shape = "uniform"
    m_low, m_high = max(m_low, low), min(m_high, high)
    values = np.floor(_shape(index, purpose, m_low, m_high, shape)).astype(np.int64)
    return pl.Series(np.clip(values, m_low, m_high))


def _in_cents(spec) -> bool:
    col = snake_case(spec.name)
    return "cents" in col or "unit_amount" in col or (
        spec.base_type in INT_LIMITS and re.search(r"amount", col) is not None)


MONEY_BY_SUBJECT = {
    "track": (0.99, 1.99), "film": (0.99, 4.99), "plan": (5, 99), "price": (5, 99), "subscription": (5, 99),
    "product": (5, 300), "order": (15, 600), "invoice": (15, 600), "payment": (10, 600), "book": (8, 40),
    "course": (20, 300), "event": (0, 150), "album": (7.99, 14.99),
}


def money_values(spec, index: np.ndarray, purpose: int, *, cents: bool = False) -> pl.Series:
    """Prices by what the table sells: a track costs about a dollar, a plan tens, an order a few hundred."""
    col = snake_case(spec.name)
    subject = subject_of(table_words(spec.table))
    low, high = MONEY_BY_SUBJECT.get(subject or "", (5, 500))
    if "replacement_cost" in col:
        low, high = 9.99, 29.99
    if "salary" in col:
        low, high = 30_000, 180_000
    if "fee" in col or "tax" in col or "shipping" in col:
        low, high = 1, 30
    if "balance" in col:
        low, high = 0, 5000
    if subject in {"plan", "price", "subscription"}:
        raw = np.array([5, 9, 12, 19, 29, 49, 79, 99], dtype=np.float64)[rnd.choose(index, purpose, 8)]
        raw = np.clip(raw, low, high)
    elif high <= 5:
        raw = np.array([0.99, 1.29, 1.99, 2.99, 4.99])[rnd.choose(index, purpose, 5)]
        raw = np.clip(raw, low, high)
    else:
        u = rnd.uniform(index, purpose)
        raw = np.exp(np.log(max(low, 0.5)) + u * (np.log(high) - np.log(max(low, 0.5))))
        # prices end the way shops print them: .99, .00, .50
        raw = np.floor(raw) + np.array([0.99, 0.0, 0.5, 0.99])[rnd.choose(index, purpose + 1, 4)]
    return pl.Series(np.round(raw * 100) if cents else np.round(raw, 2))


def numeric_values(spec, kind: str | None, index: np.ndarray, purpose: int) -> pl.Series | None:
    """Decimals by meaning, inside numeric(p, s) and the CHECK range; None leaves the older rules."""
    low, high = numeric_bounds(spec)
    col = snake_case(spec.name)
    if re.search(r"discount|percent|pct", col):
        # most lines carry none; the others a common one (5-30% as a fraction, or as a percentage)
        top, none = min(high, 0.3 if high <= 1 else 30.0), max(low, 0.0)
        per_unit = 20 if top <= 1 else 0.2   # in steps of 5%: 0.05 as a fraction, 5 as a percentage
        given = rnd.uniform(index, purpose) < 0.4
        steps = np.round((none + rnd.uniform(index, purpose + 1) * (top - none)) * per_unit) / per_unit
        values = np.where(given, np.maximum(steps, none), none)
    elif re.search(r"(^|_)(tax|vat|gst|commission)_?rate$", col) and high <= 1:
        # a tax rate as a fraction: the rates countries charge (0.2, 0.19, 0.0825), never 0.81
        values = np.array(v.TAX_RATES)[rnd.choose(index, purpose, len(v.TAX_RATES))]
    elif kind == "money" or re.search(r"rate$|_rate|cost|price|amount", col):
        values = money_values(spec, index, purpose, cents="cents" in col).to_numpy()
        if len(values) and (values.min() > high or values.max() < low):
            # the CHECK says another scale than money's: spread over it, not piled at its edge
            values = low + rnd.uniform(index, purpose + 2) * (min(high, low + 1000) - low)
    elif kind in {"latitude", "longitude"}:
        return None
    elif (meaning := int_meaning(spec)) is not None:
        m_low, m_high, shape = meaning
        if m_high < low or m_low > high:
            m_low, m_high = low, high
        values = _shape(index, purpose, max(m_low, low), min(m_high, high), "float" if shape == "uniform" else shape)
    else:
        return None
    scale = spec.column.numeric_scale if spec.column.numeric_scale is not None else 2
    return pl.Series(np.round(np.clip(values, low, high), scale))
