"""Turn cell values (text from CSV, typed values from XLSX/JSON) into incident values.

Each converter raises ``ValueError`` with a short reason a person can act on. Lookups
that repeat (vocabulary labels, country names, dates) are memoised per converter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from ulinzi.geo.countries import country as find_country
from ulinzi.vocab import registry

MEMO_LIMIT = 50_000
TRUE = frozenset({"yes", "y", "true", "1", "oui", "si", "sí", "x"})
FALSE = frozenset({"no", "n", "false", "0", "non", ""})
UNKNOWN = frozenset({"unknown", "no information", "noinformation", "n/a", "na", "-"})


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def place_name(value: Any) -> str:
    """A place name; placeholders such as "No Information" or "Unknown" → ''."""
    raw = text(value)
    return "" if raw.lower() in UNKNOWN else raw


def count(value: Any) -> int | None:
    """A number of people: "3", "3.0", 3 → 3; blank → None."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("is not a whole number")
    raw = str(value).strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = float(raw)
    except ValueError:
        raise ValueError("is not a number") from None
    if not number.is_integer():
        raise ValueError("is not a whole number")
    return int(number)


def number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    raw = str(value).strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError("is not a number") from None


def flag(value: Any) -> bool | None:
    """YES/NO, TRUE/FALSE, 1/0 → bool; "Unknown" → None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    raw = text(value).lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    if raw in UNKNOWN:
        return None
    raise ValueError("is not yes or no")


class Memo:
    """A converter with a bounded cache: ``Memo(fn)(value)``."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        self.cache: dict[Any, tuple[Any, str | None]] = {}

    def __call__(self, value: Any) -> Any:
        try:
            hit = self.cache[value]
        except KeyError:
            try:
                hit = (self.fn(value), None)
            except ValueError as exc:
                hit = (None, str(exc))
            except TypeError:  # unhashable or odd value: no caching
                return self.fn(value)
            if len(self.cache) >= MEMO_LIMIT:
                self.cache.clear()
            self.cache[value] = hit
        if hit[1] is not None:
            raise ValueError(hit[1])
        return hit[0]


def country_code(value: Any) -> str:
    """ISO3 code or country name → ISO3."""
    raw = text(value)
    if not raw:
        return ""
    found = find_country(raw)
    if found is None:
        raise ValueError(
            "is not an ISO 3166 country code or a known country name "
            '(a mapping file can translate it: "values": {"country": {…}})'
        )
    return found.iso3


def vocab_code(name: str, values: dict[str, str] | None = None) -> Callable[[Any], str]:
    """Label, code or alias of vocabulary ``name`` → code ('' when blank)."""
    vocab = registry.get(name)
    extra = {_norm(k): v for k, v in (values or {}).items()}

    def convert(value: Any) -> str:
        raw = text(value)
        if not raw:
            return ""
        code = extra.get(_norm(raw)) or vocab.match(raw)
        if code is None:
            raise ValueError(f"is not a known value of {name}")
        return code

    return convert


def domain_code(values: dict[str, str] | None = None) -> Callable[[Any], str]:
    """A domain or sector cell → domain code. A cell may name several sectors
    ("Health Care, Aid Operations"): the first one that is a domain Ulinzi records
    decides; the others stay in the raw source. None of them → ``ValueError``."""
    one = vocab_code("domain", values)
    codes = ", ".join(registry.get("domain").codes())

    def convert(value: Any) -> str:
        raw = text(value)
        if not raw:
            return ""
        for piece in (raw, *re.split(r"[,;|]", raw)):
            try:
                return one(piece)
            except ValueError:
                continue
        raise ValueError(
            f"names no domain Ulinzi records ({codes}); a mapping file can translate it: "
            '"values": {"domain": {…}}'
        )

    return convert


def implied_types(vocab_name: str, codes: Iterable[str], types_vocab: str) -> list[str]:
    """The types of vocabulary ``types_vocab`` that the terms ``codes`` of ``vocab_name``
    imply (each term's ``types`` in the vocabulary file), in order, each once: the
    weapons of a row → its incident types in the row's domain."""
    vocab = registry.get(vocab_name)
    found: list[str] = []
    for code in codes:
        implied = vocab.term(code).types.get(types_vocab)
        if implied and implied not in found:
            found.append(implied)
    return found


def _norm(value: str) -> str:
    return " ".join(value.lower().split())


_SEPARATORS = ",;|/\n"


def split_terms(value: Any, vocab_name: str, values: dict[str, str] | None = None) -> list[str]:
    """Several labels in one cell, whose own text may hold commas and brackets.

    Matches the longest known label or alias at each position first, then expects a
    separator (``,`` ``;`` ``|`` ``/`` or a new line); never splits naively on commas.
    """
    raw = _norm(text(value))
    if not raw:
        return []
    table = _alias_table(vocab_name)
    if values:
        table = sorted([*table, *((_norm(k), v) for k, v in values.items())], key=_by_len)
    codes: list[str] = []
    pos = 0
    while pos < len(raw):
        while pos < len(raw) and (raw[pos] in _SEPARATORS or raw[pos] == " "):
            pos += 1
        if pos >= len(raw):
            break
        for alias, code in table:
            end = pos + len(alias)
            if raw.startswith(alias, pos) and (end == len(raw) or raw[end] in _SEPARATORS + " "):
                if code not in codes:
                    codes.append(code)
                pos = end
                break
        else:
            stop = min((i for i in (raw.find(s, pos) for s in _SEPARATORS) if i >= 0), default=-1)
            piece = raw[pos : stop if stop >= 0 else None]
            raise ValueError(f"{piece!r} is not a known value of {vocab_name}")
    return codes


def _by_len(item: tuple[str, str]) -> int:
    return -len(item[0])


_ALIASES: dict[str, list[tuple[str, str]]] = {}


def _alias_table(vocab_name: str) -> list[tuple[str, str]]:
    if vocab_name not in _ALIASES:
        vocab = registry.get(vocab_name)
        pairs = {
            _norm(spelling): term.code
            for term in vocab.terms
            for spelling in (term.code, term.labels.get("en", ""), *term.aliases)
            if spelling
        }
        _ALIASES[vocab_name] = sorted(pairs.items(), key=_by_len)
    return _ALIASES[vocab_name]


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")


def occurred(value: Any, formats: tuple[str, ...] = ()) -> tuple[date, str]:
    """A date cell → (date, precision). ISO 8601 (``2024-02-08``, ``2024-02``, ``2024``),
    spreadsheet dates, and any ``strptime`` formats given (tried in order)."""
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    raw = text(value)
    if not raw:
        raise ValueError("is required")
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date(), "day"
        except ValueError:
            continue
    match = _ISO.match(raw)
    if match is None:
        hint = " (give its format as date_format in a mapping file)" if not formats else ""
        raise ValueError(f"is not a date in a known format{hint}")
    year, month, day = match.groups()
    try:
        if day:
            return date(int(year), int(month), int(day)), "day"
        if month:
            return date(int(year), int(month), 1), "month"
        return date(int(year), 1, 1), "year"
    except ValueError:
        raise ValueError("is not a real date") from None


def us_short_date(value: Any) -> tuple[date, str]:
    """``2/8/24 12:00 AM`` (month/day/two-digit year, as SSA exports dates)."""
    raw = text(value)
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b", raw)
    if match is None:
        return occurred(value)
    month, day, year = (int(g) for g in match.groups())
    if year < 100:
        year += 2000 if 2000 + year <= date.today().year + 1 else 1900
    try:
        return date(year, month, day), "day"
    except ValueError:
        raise ValueError("is not a real date (month/day/year)") from None
