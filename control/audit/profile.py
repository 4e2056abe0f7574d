"""Bounded value profiles: what one field holds, in memory that does not grow with the record count.

Per field, :class:`FieldProfile` keeps

* counts: records seen, key present, null, empty text, JSON types;
* text lengths (min, max) and number shape (integer digits, decimals, thousands separators);
* **top values** — exact counts while the field has at most :data:`TOP_CAPACITY` distinct values; past
  that, a Misra–Gries summary of the same size (``top_exact`` turns false; a listed count is then a lower
  bound, short by at most n / (capacity + 1); amortised O(1) per value);
* **distinct count** — a KMV sketch (the :data:`KMV_SIZE` smallest 64-bit hashes): exact below that many
  distinct values, an estimate (±~6 %) above;
* a few sample values (the first distinct ones seen), and the shape votes of :mod:`control.audit.infer`.

Values are keyed by JSON type and text, long texts by their first 120 characters, so memory per field is
a few hundred small entries whatever the volume.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Any

from control.audit.infer import ID_SHAPE, Kind, date_format, decide, salesforce_type, shapes_of

__all__ = ["FieldProfile", "TOP_CAPACITY", "KMV_SIZE"]

TOP_CAPACITY = 256
KMV_SIZE = 512
_KEY_CHARS = 120
_SAMPLES = 5
_TWO64 = float(2 ** 64)


def _key(value: Any) -> tuple[str, Any]:
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value if len(value) <= _KEY_CHARS else value[:_KEY_CHARS] + "…")
    return ("j", repr(value)[:_KEY_CHARS])


def _hash64(key: tuple[str, Any]) -> int:
    return int.from_bytes(hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).digest(), "big")


class FieldProfile:
    """What one field (core or custom) of one resource holds. Feed it with :meth:`add`."""

    def __init__(self, name: str, *, infer: bool) -> None:
        self.name = name
        self.infer = infer
        self.present = self.nulls = self.empty = self.non_empty = self.strings = 0
        self.types: dict[str, int] = {}
        self.min_length: int | None = None
        self.max_length = 0
        self.int_digits = self.scale = 0
        self.number_strings = self.thousands = 0
        self.votes: dict[Kind, int] = {}
        self.id_shaped = 0
        self.date_formats: dict[str, int] = {}
        self._top: dict[tuple[str, Any], int] = {}
        self.top_exact = True
        self._kmv: list[int] = []  # max-heap (negated) of the smallest hashes
        self._kmv_set: set[int] = set()
        self.samples: list[Any] = []

    # ── feeding ─────────────────────────────────────────────────────────────────────
    def add(self, value: Any) -> None:
        self.present += 1
        type_name = "null" if value is None else type(value).__name__
        self.types[type_name] = self.types.get(type_name, 0) + 1
        if value is None:
            self.nulls += 1
            return
        if isinstance(value, str):
            self.strings += 1
            length = len(value)
            self.min_length = length if self.min_length is None else min(self.min_length, length)
            self.max_length = max(self.max_length, length)
            if not value.strip():
                self.empty += 1
                return
        if isinstance(value, (dict, list)):
            self.non_empty += 1
            return
        self.non_empty += 1
        key = _key(value)
        self._count(key)
        self._distinct(_hash64(key))
        if self.infer:
            self._vote(value)

    def _count(self, key: tuple[str, Any]) -> None:
        top = self._top
        if key in top:
            top[key] += 1
            return
        if len(top) < TOP_CAPACITY:
            top[key] = 1
            if len(self.samples) < _SAMPLES:
                self.samples.append(key[1])
            return
        self.top_exact = False  # Misra–Gries: the new value and one count of every kept value cancel out
        for kept in list(top):
            top[kept] -= 1
            if top[kept] == 0:
                del top[kept]

    def _distinct(self, h: int) -> None:
        if h in self._kmv_set:
            return
        if len(self._kmv) < KMV_SIZE:
            heapq.heappush(self._kmv, -h)
            self._kmv_set.add(h)
        elif h < -self._kmv[0]:
            evicted = -heapq.heapreplace(self._kmv, -h)
            self._kmv_set.discard(evicted)
            self._kmv_set.add(h)

    def _vote(self, value: Any) -> None:
        shapes = shapes_of(value)
        for kind in shapes:
            self.votes[kind] = self.votes.get(kind, 0) + 1
        if isinstance(value, str):
            text = value.strip()
            if ID_SHAPE.match(text):
                self.id_shaped += 1
            if Kind.NUMBER in shapes:
                self.number_strings += 1
                self.thousands += "," in text
                self._number_shape(text.replace(",", "").replace("$", "").lstrip("+-"))
            if Kind.DATE in shapes:
                fmt = date_format(text)
                if fmt:
                    self.date_formats[fmt] = self.date_formats.get(fmt, 0) + 1
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self._number_shape(repr(abs(value)) if isinstance(value, float) else str(abs(value)))

    def _number_shape(self, text: str) -> None:
        whole, _, frac = text.partition(".")
        if "e" in text.lower():
            return
        self.int_digits = max(self.int_digits, len(whole.lstrip("0")) or 1)
        self.scale = max(self.scale, len(frac.rstrip("0")) if frac else 0)

    # ── reading ─────────────────────────────────────────────────────────────────────
    @property
    def distinct(self) -> int:
        if len(self._kmv) < KMV_SIZE:
            return len(self._kmv)
        kth = -self._kmv[0]
        return int(round((KMV_SIZE - 1) * _TWO64 / kth))

    @property
    def distinct_exact(self) -> bool:
        return len(self._kmv) < KMV_SIZE

    @property
    def all_distinct(self) -> bool:
        if self.distinct_exact:
            return self.distinct == self.non_empty
        return False  # beyond the sketch's exact range, uniqueness cannot be claimed

    def kind(self) -> Kind:
        return decide(self.votes, self.non_empty, strings=self.strings - self.empty, distinct=self.distinct,
                      all_distinct=self.all_distinct, id_shaped=self.id_shaped)

    def fits(self, value: Any, kind: Kind) -> bool:
        """Whether one value fits ``kind`` (for the values that do not: ``custom_value_mismatch``)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return True
        if kind in (Kind.TEXT, Kind.ID, Kind.PICKLIST, Kind.UNKNOWN):
            return True
        return kind in shapes_of(value)

    def top_values(self, limit: int = 10) -> list[dict[str, Any]]:
        ranked = sorted(self._top.items(), key=lambda kv: (-kv[1], str(kv[0][1])))[:limit]
        return [{"value": k[1], "count": n} for k, n in ranked]

    def value_counts(self) -> list[tuple[Any, int]]:
        """Every kept value with its count (all values when :attr:`top_exact`)."""
        return sorted(((k[1], n) for k, n in self._top.items()), key=lambda kv: (-kv[1], str(kv[0])))

    def summary(self, records: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "present": self.present,
            "filled": self.non_empty,
            "fill_rate": round(self.non_empty / records, 4) if records else 0.0,
            "nulls": self.nulls,
            "empty_strings": self.empty,
            "json_types": dict(sorted(self.types.items())),
            "distinct": self.distinct,
            "distinct_exact": self.distinct_exact,
            "top_values": self.top_values(),
            "top_exact": self.top_exact,
            "samples": self.samples,
        }
        if self.strings:
            out["length"] = {"min": self.min_length or 0, "max": self.max_length}
        if self.infer:
            kind = self.kind()
            out["inferred_type"] = str(kind)
            out["type_votes"] = {str(k): v for k, v in sorted(self.votes.items())}
            if kind is Kind.NUMBER:
                out["number"] = {"integer_digits": self.int_digits, "decimals": self.scale,
                                 "as_text": self.number_strings, "with_thousands_separator": self.thousands}
            if kind is Kind.DATE:
                out["date_formats"] = dict(sorted(self.date_formats.items()))
            out["salesforce"] = salesforce_type(kind, max_length=self.max_length, int_digits=self.int_digits,
                                                scale=self.scale, unique=self.all_distinct)
        return out
