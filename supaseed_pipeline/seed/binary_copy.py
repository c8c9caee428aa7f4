"""COPY in PostgreSQL's binary format: the server stores values instead of parsing text (gear items: CSV
1.87 s, binary 0.89 s for the same 490k rows), and pgpq encodes the Arrow columns in Rust.

Binary COPY carries no type information: each value must already be in the column's wire format, so a
frame is encoded only when every column maps exactly; otherwise `encoded` returns None and the caller
sends CSV. What maps: text-like and enum columns from strings, jsonb from JSON text, uuid from its
string (16 bytes), exact-width integers, float8, bool, date, timestamp(tz) in microseconds (timestamptz
only when the session's TimeZone is UTC: CSV would read a naive value in the session's zone),
numeric(p, s) when no value has a nonzero decimal beyond s (the server would round, a cast truncates),
one-dimensional text[] literals whose elements need no escaping, and a column that holds only NULLs (a NULL
has no type on the wire). Other arrays, unconstrained numeric, intervals, float4 and the rest go as CSV.
"""

from __future__ import annotations

import struct
from typing import Callable

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from pgpq import ArrowToPostgresBinaryEncoder
from pgpq import encoders as enc
from pgpq import schema as pg

from supaseed_pipeline.generate import random as rnd
from supaseed_pipeline.snapshot.models import Column, Table

TEXT_TYPES = {"text", "varchar", "bpchar", "name", "json"}   # their binary input is the UTF-8 text itself
INTEGERS = {"int2": pl.Int16, "int4": pl.Int32, "int8": pl.Int64}
UTC_ZONES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Zulu", "Etc/Zulu", "Universal", "Etc/Universal"}


class Unmapped(Exception):
    """A column with no exact binary form: the frame goes as CSV."""


def encoded(table: Table, frame: pl.DataFrame, session_zone: str | None) -> tuple[ArrowToPostgresBinaryEncoder, pa.Table] | None:
    """(encoder, Arrow table) for COPY ... (FORMAT binary) of `frame` into `table`, or None."""
    utc = session_zone in UTC_ZONES
    try:
        # every column's type is checked before any is converted: a frame that goes as CSV costs no conversion
        conversions = [_conversion(table.column(name), frame[name], utc) for name in frame.columns]
        arrays = {name: _arrow(convert()) for name, convert in zip(frame.columns, conversions)}
        # uuids: 16 bytes each (a string that was no uuid fails here, and the server names it over CSV)
        arrow = pa.table({name: pc.cast(a, pa.binary(16)) if pa.types.is_binary_view(a.type) else a
                          for name, a in arrays.items()})
    except (Unmapped, pl.exceptions.PolarsError, pa.ArrowException):
        return None
    builders = {}
    for name in arrow.column_names:
        field = arrow.schema.field(name)
        if pa.types.is_string_view(field.type):
            jsonb = table.column(name).base_type_name == "jsonb"
            builders[name] = enc.StringViewEncoderBuilder.new_with_output(
                field, pg.Jsonb() if jsonb else pg.Text())   # jsonb: a version byte first
        else:
            builders[name] = ArrowToPostgresBinaryEncoder.infer_encoder(field)
    return ArrowToPostgresBinaryEncoder.new_with_encoders(arrow.schema, builders), arrow


def _arrow(values: pl.Series | pa.Array) -> pa.Array:
    # Polars' own string layout (string_view), which pgpq encodes as it is: the oldest layout (large_string)
    # would copy every string first, a fifth of the client's encoding time
    return values if isinstance(values, pa.Array) else values.to_arrow(compat_level=pl.CompatLevel.newest())


def stream(arrow: pa.Table) -> bytes:
    """A whole binary COPY stream (header, rows, trailer) of an Arrow table in the types pgpq infers for it
    (large_string -> text, int32 -> int4, large_list<large_string> -> text[]): for supaseed's own tables."""
    encoder = ArrowToPostgresBinaryEncoder(arrow.schema)
    return b"".join([encoder.write_header(), *(encoder.write_batch(batch) for batch in arrow.to_batches()), encoder.finish()])


# a whole stream written field by field, for a row pgpq has no encoder for (uuid[]): the signature, flags and
# header extension, then per row its field count and each field as its length and bytes, then -1
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_TEXT_OID, _UUID_OID = 25, 2950


def row_stream(fields: list[bytes]) -> bytes:
    """A binary COPY stream of one row whose fields are already in their wire form."""
    return b"".join([_SIGNATURE, struct.pack("!h", len(fields)),
                     *(struct.pack("!i", len(f)) + f for f in fields), struct.pack("!h", -1)])


def text(value: str) -> bytes:
    return value.encode()


def int4(value: int) -> bytes:
    return struct.pack("!i", value)


def _array(element_oid: int, count: int, elements: bytes) -> bytes:
    """A one-dimensional array without NULLs: dimensions, flags, element type, length and lower bound, elements."""
    return struct.pack("!iiiii", 1, 0, element_oid, count, 1) + elements


def text_array(values: list[str]) -> bytes:
    return _array(_TEXT_OID, len(values), b"".join(struct.pack("!i", len(v)) + v for v in map(str.encode, values)))


def uuid_array(values: pl.Series) -> bytes | None:
    """One uuid[] value holding every uuid of `values` (each element its length, 16, and its bytes), or None
    when one is no uuid in the canonical spelling or is NULL."""
    if not values.len() or values.dtype != pl.String:
        return None
    uuids = _uuid_bytes(values)
    if not isinstance(uuids, pa.FixedSizeBinaryArray):
        return None
    elements = np.empty((len(uuids), 20), np.uint8)
    elements[:, :4] = np.frombuffer(struct.pack("!i", 16), np.uint8)
    elements[:, 4:] = np.frombuffer(uuids.buffers()[1], np.uint8, len(uuids) * 16, uuids.offset * 16).reshape(-1, 16)
    return _array(_UUID_OID, len(uuids), elements.tobytes())


def text_list(values: pl.Series) -> pa.LargeListArray:
    """One text[] value holding every string of `values`."""
    strings = values.cast(pl.String).to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    return pa.LargeListArray.from_arrays(pa.array([0, len(strings)], pa.int64()), strings.cast(pa.large_string()))


def _column(column: Column | None, values: pl.Series, utc: bool) -> pl.Series:
    """The column's values in their binary form, or Unmapped."""
    return _conversion(column, values, utc)()


def _conversion(column: Column | None, values: pl.Series, utc: bool) -> Callable[[], pl.Series]:
    """How to bring the values to their binary form; Unmapped at once when the column's type (or the frame's
    dtype) has none, and when called if a value has none."""
    if column is None:
        raise Unmapped
    if values.dtype == pl.Null or values.null_count() == values.len():
        return lambda: values.cast(pl.String)   # NULL is a length of -1 whatever the type
    if column.is_array:
        if column.base_type_name != "text" or column.type_name != "text" or values.dtype != pl.String:
            raise Unmapped   # the wire format names the element type, so only text itself (pgpq writes text's oid)
        return lambda: _text_lists(values)
    kind = column.base_type_name
    if column.type_category == "E" or kind in TEXT_TYPES or kind == "jsonb":
        if values.dtype != pl.String:
            raise Unmapped
        return lambda: values
    if kind == "uuid":
        if values.dtype != pl.String:
            raise Unmapped
        return lambda: _uuid_bytes(values)
    if kind in INTEGERS:
        if not (values.dtype.is_integer() or values.dtype == pl.String):
            raise Unmapped
        return lambda: values.cast(INTEGERS[kind], strict=True)
    if kind == "float8" and values.dtype in (pl.Float64, pl.Float32, pl.Int64, pl.Int32, pl.Int16):
        return lambda: values.cast(pl.Float64)
    if kind in ("bool", "date") and values.dtype == {"bool": pl.Boolean, "date": pl.Date}[kind]:
        return lambda: values
    if kind in ("timestamp", "timestamptz") and isinstance(values.dtype, pl.Datetime) and values.dtype.time_unit in ("us", "ms"):
        if kind == "timestamptz" and not utc:
            raise Unmapped
        if values.dtype.time_zone is not None:
            return lambda: values.dt.convert_time_zone("UTC").dt.replace_time_zone(None).cast(pl.Datetime("us"))
        return lambda: values.cast(pl.Datetime("us"))
    if kind == "numeric" and column.numeric_scale is not None and column.numeric_precision and column.numeric_precision <= 38:
        return lambda: _decimals(values, column.numeric_precision, column.numeric_scale)
    raise Unmapped


def _decimals(values: pl.Series, precision: int, scale: int) -> pl.Series:
    if values.dtype == pl.Float64:
        # a float already at the column's scale is unchanged by rounding to it, and the cast takes the nearest
        # decimal: the value its shortest text gives, without formatting text (NaN and infinities go as CSV)
        if not (values.is_finite() & (values.round(scale) == values)).all():
            raise Unmapped
        return values.cast(pl.Decimal(precision, scale), strict=True)
    text = values.cast(pl.String) if values.dtype != pl.String else values
    # a nonzero decimal beyond the column's scale: the server rounds it, a cast would truncate
    if text.str.contains(r"[eE]|\.\d{%d}\d*[1-9]" % scale).any():
        raise Unmapped
    return text.cast(pl.Decimal(precision, scale), strict=True)


def _text_lists(values: pl.Series) -> pl.Series:
    """text[] from one-dimensional array literals whose elements hold no comma, quote or backslash
    ('{"a","b c"}' or '{a,b}' -> ["a", "b c"]); Unmapped for any other literal."""
    element = r'(?:"[^",\\{}]*"|[^",\\{}\s](?:[^",\\{}]*[^",\\{}\s])?)'
    if not values.drop_nulls().str.contains(rf"^\{{(?:{element}(?:,{element})*)?\}}$").all():
        raise Unmapped
    inner = values.str.slice(1, values.str.len_chars() - 2)
    if inner.str.split(",").explode().str.to_lowercase().eq("null").any():   # an unquoted NULL is a NULL element
        raise Unmapped
    # each element is now either quoted whole or holds no quote: dropping every quote unquotes them all
    return pl.select(pl.when(inner == "").then(pl.lit([], dtype=pl.List(pl.String)))
                     .otherwise(inner.str.replace_all('"', "", literal=True).str.split(",")).alias(values.name)).to_series()


def _hex_pair_values() -> np.ndarray:
    """Two hex digits, read as the uint16 their characters make in memory -> the byte they spell (256: not
    hex digits), in either case."""
    values = np.full(65536, 256, dtype=np.uint16)
    for byte in range(256):
        for high in {f"{byte:02x}"[0], f"{byte:02X}"[0]}:
            for low in {f"{byte:02x}"[1], f"{byte:02X}"[1]}:
                values[np.frombuffer((high + low).encode(), np.uint16)[0]] = byte
    return values


_HEX_PAIR_VALUE = pa.array(_hex_pair_values())   # Arrow: its take reads the uint16 indices as they are (see rnd._HEX_PAIRS)


def _uuid_bytes(values: pl.Series) -> pa.Array | pl.Series:
    """uuid strings -> 16 bytes each. The canonical spelling (36 characters, dashes at 8, 13, 18 and 23: every
    uuid supaseed makes) is decoded from the text buffer by numpy: the digit groups copied side by side, then
    one table lookup per pair of digits (half the time of gathering the 32 digit columns). The text
    functions below take the other spellings PostgreSQL accepts (no dashes) and the columns with NULLs."""
    if values.len() and not values.null_count():
        text = values.to_arrow(compat_level=pl.CompatLevel.oldest())
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        offsets = np.frombuffer(text.buffers()[1], np.int64, len(text) + 1, text.offset * 8) \
            if pa.types.is_large_string(text.type) else None
        if offsets is not None and (np.diff(offsets) == 36).all():
            rows = np.frombuffer(text.buffers()[2], np.uint8)[offsets[0]:offsets[-1]].reshape(-1, 36)
            digits = np.empty((len(text), 32), dtype=np.uint8)
            taken = 0
            for start, stop in rnd.UUID_GROUPS:   # slices, not a gather: the digit groups side by side
                digits[:, taken:taken + stop - start] = rows[:, start:stop]
                taken += stop - start
            raw = np.asarray(pc.take(_HEX_PAIR_VALUE, pa.array(digits.view(np.uint16).reshape(-1))))
            if (rows[:, rnd.UUID_DASHES] == ord("-")).all() and raw.max() < 256:
                return pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), len(text), [None, pa.py_buffer(raw.astype(np.uint8))])
    return values.str.replace_all("-", "", literal=True).str.decode("hex")   # -> 16 bytes in `encoded`
