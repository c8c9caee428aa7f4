"""Supabase rows as GoTrue needs them: auth.users and auth.identities for email/password sign-in."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

import bcrypt
import numpy as np
import polars as pl

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.generate.columns import emails, person_names, timestamps

INSTANCE_ID = "00000000-0000-0000-0000-000000000000"
EMPTY_TOKEN_COLUMNS = ("confirmation_token", "recovery_token", "email_change_token_new", "email_change",
                       "email_change_token_current", "reauthentication_token", "phone_change")
BCRYPT_COST = 10
_TO_BCRYPT_ALPHABET = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                                    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


@lru_cache(maxsize=8)
def password_hash(password: str, seed: int) -> str:
    """One bcrypt hash per distinct password (and seed, so reruns are byte-identical)."""
    raw = rnd.salt(seed, "bcrypt-salt", 1).to_bytes(8, "little") + rnd.salt(seed, "bcrypt-salt", 2).to_bytes(8, "little")
    encoded = base64.b64encode(raw).decode()[:22].translate(_TO_BCRYPT_ALPHABET)
    salt = f"$2b${BCRYPT_COST:02d}${encoded}".encode()
    return bcrypt.hashpw(password.encode(), salt).decode()


DJANGO_ITERATIONS = 600_000   # Django 4.2's default; any count logs in (Django reads it from the hash)


@lru_cache(maxsize=8)
def django_password_hash(password: str, seed: int) -> str:
    """Django's pbkdf2_sha256$<iterations>$<salt>$<hash> of the password, one per password and seed."""
    salt = base64.b32encode(rnd.salt(seed, "django-salt").to_bytes(8, "little")).decode().rstrip("=").lower()[:12]
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), DJANGO_ITERATIONS)
    return f"pbkdf2_sha256${DJANGO_ITERATIONS}${salt}${base64.b64encode(digest).decode()}"


def user_ids(index: np.ndarray, seed: int, table: str = "auth.users") -> pl.Series:
    return rnd.uuids(index, rnd.salt(seed, table, "id"))


def avatar_urls(index: np.ndarray) -> pl.Series:
    return pl.select(pl.format("https://images.example.com/avatars/{}.jpg", pl.Series(index))).to_series()


def auth_user_frame(index: np.ndarray, seed: int, password: str, personas: pl.Series, columns: list[str],
                    email_domain: str | None = None, test_emails: list[str] | None = None) -> pl.DataFrame:
    """auth.users rows a GoTrue email/password login accepts (confirmed, '' tokens, bcrypt hash). Users
    0, 1, ... (global indices, so whatever the batches) get `test_emails`; a generated email always has a
    dot and a number before the @, so none equals one of them."""
    first, last = person_names(index, seed)
    full_name = pl.select(pl.concat_str([first, last], separator=" ")).to_series()
    created = timestamps(index, rnd.salt(seed, "auth.users", "created_at"))
    n = len(index)
    meta = pl.select(pl.struct(name=full_name, full_name=full_name, avatar_url=avatar_urls(index),
                               persona=personas).struct.json_encode()).to_series()
    frame = pl.DataFrame({
        "instance_id": pl.Series([INSTANCE_ID] * n),
        "id": user_ids(index, seed),
        "aud": pl.Series(["authenticated"] * n),
        "role": pl.Series(["authenticated"] * n),
        "email": with_test_emails(emails(index, seed, domain=email_domain), index, test_emails or []),
        "encrypted_password": pl.Series([password_hash(password, seed)] * n),
        "email_confirmed_at": created,
        "last_sign_in_at": pl.Series([None] * n, dtype=pl.Datetime("us")),
        "raw_app_meta_data": pl.Series(['{"provider": "email", "providers": ["email"]}'] * n),
        "raw_user_meta_data": meta,
        "is_super_admin": pl.Series([False] * n),
        "created_at": created,
        "updated_at": created,
        "is_sso_user": pl.Series([False] * n),
        "is_anonymous": pl.Series([False] * n),
        **{c: pl.Series([""] * n) for c in EMPTY_TOKEN_COLUMNS},
    })
    keep = [c for c in frame.columns if c in columns]
    missing = [c for c in columns if c not in frame.columns]
    return frame.select(keep).with_columns([pl.lit(None).alias(c) for c in missing])


def with_test_emails(generated: pl.Series, index: np.ndarray, test_emails: list[str]) -> pl.Series:
    """`generated`, with user i's email test_emails[i] (i: the global index of a new user)."""
    if not test_emails:
        return generated
    fixed = pl.Series(test_emails + [None], dtype=pl.String).gather(np.minimum(index, len(test_emails)))
    return fixed.fill_null(generated).alias(generated.name)


def identity_frame(users: pl.DataFrame, seed: int, index: np.ndarray, columns: list[str]) -> pl.DataFrame:
    """auth.identities rows for the email provider: provider_id = user id, identity_data with sub and email."""
    data = pl.select(pl.struct(sub=users["id"], email=users["email"], email_verified=pl.lit(True),
                               phone_verified=pl.lit(False)).struct.json_encode()).to_series()
    frame = pl.DataFrame({
        "id": rnd.uuids(index, rnd.salt(seed, "auth.identities", "id")),
        "provider_id": users["id"],
        "user_id": users["id"],
        "identity_data": data,
        "provider": pl.Series(["email"] * users.height),
        "last_sign_in_at": users["created_at"],
        "created_at": users["created_at"],
        "updated_at": users["created_at"],
    })
    keep = [c for c in frame.columns if c in columns]
    missing = [c for c in columns if c not in frame.columns]
    return frame.select(keep).with_columns([pl.lit(None).alias(c) for c in missing])

