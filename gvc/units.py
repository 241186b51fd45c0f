"""Units of IO tables: the documented set, the parser that checks them, the store's convention.

A unit is a currency (ISO 4217 code, one of :data:`CURRENCIES`) and a scale (units, thousand,
million, billion): ``USD million``, ``EUR million``, ``USD thousand``, ``GBP million``. Readers
take it from the file where the file states it (EXIOBASE's ``unit.txt``, the title rows of ADB
workbooks) and otherwise from their database's documented unit; a long table must declare it.
:func:`parse_unit` accepts the spellings the databases use (``M.EUR``, ``Mill USD``,
``'000 US$``, ``In millions of US$``, ``MIO_EUR``) and refuses anything else with one line.

The store keeps every value in **millions of its currency** (:data:`STORE_SCALE`);
:func:`to_store` gives the factor of that scaling, applied as the logged harmonisation step
``unit``. Currencies are never converted silently: see :mod:`gvc.currency`.

Examples
--------
>>> str(parse_unit("M.EUR")), str(parse_unit("'000 US$")), str(parse_unit("USD million"))
('EUR million', 'USD thousand', 'USD million')
>>> unit, factor = to_store(parse_unit("USD thousand"))
>>> str(unit), factor
('USD million', 0.001)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gvc.errors import InputError

#: the currencies gvc accepts (ISO 4217), those of the IO databases and national tables
CURRENCIES = (
    "USD", "EUR", "GBP", "JPY", "CNY", "INR", "KRW", "AUD", "CAD", "CHF", "SEK", "NOK",
    "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "HRK", "ISK", "BRL", "MXN", "ARS", "CLP",
    "COP", "PEN", "RUB", "TRY", "ZAR", "IDR", "MYR", "PHP", "THB", "VND", "SGD", "HKD",
    "TWD", "NZD", "ILS", "SAR", "AED", "EGP", "NGN", "KES", "PKR", "BDT", "LKR", "KZT",
    "UAH",
)  # fmt: skip
#: scale exponent -> name used in canonical units
SCALES = {0: "units", 3: "thousand", 6: "million", 9: "billion"}
#: the store keeps values in millions of their currency
STORE_SCALE = 6

_SCALE_WORDS = {
    "unit": 0, "units": 0,
    "thousand": 3, "thousands": 3, "000": 3, "k": 3,
    "million": 6, "millions": 6, "mill": 6, "mio": 6, "mn": 6, "m": 6,
    "billion": 9, "billions": 9, "bn": 9,
}  # fmt: skip
_FILLER = {"in", "of", "current", "nominal", "at", "prices", "price", "basic", "nac"}
_WORDS = [
    (r"united\s+states\s+dollars?|u\.?s\.?\s*dollars?|us\s*\$|\$", " usd "),
    (r"euros?|€", " eur "),
    (r"pounds?\s+sterling|£", " gbp "),
]
EXAMPLES = "'USD million', 'EUR million', 'USD thousand', 'GBP million'"


@dataclass(frozen=True)
class Unit:
    """A currency and a power-of-ten scale: ``Unit("USD", 6)`` is ``USD million``."""

    currency: str
    scale: int

    def __str__(self) -> str:
        return f"{self.currency} {SCALES[self.scale]}"


def parse_unit(text: object, where: str = "unit") -> Unit:
    """Parse a unit as databases spell it; raise one line when it is not one of the set.

    Parameters
    ----------
    text : e.g. ``"USD million"``, ``"M.EUR"``, ``"Mill USD"``, ``"000 USD"``, ``"'000 US$"``,
        ``"In millions of US$"``, ``"MIO_EUR"``, ``"thousands of US dollars"``.
    where : what to name in the error (a file, a column, an option).

    Returns
    -------
    Unit

    Raises
    ------
    InputError
        empty text, no or several currencies, a currency outside :data:`CURRENCIES`, no scale,
        or words that are not part of a unit.

    Examples
    --------
    >>> parse_unit("In millions of US$")
    Unit(currency='USD', scale=6)
    >>> parse_unit("current 000 US$")
    Unit(currency='USD', scale=3)
    """
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise InputError(f"{where}: empty unit; give one such as {EXAMPLES}")
    s = raw.lower().replace("‘", "'").replace("’", "'")
    for pattern, repl in _WORDS:
        s = re.sub(pattern, repl, s)
    tokens = re.findall(r"[a-z]+|\d+", s)
    currencies = sorted({t.upper() for t in tokens if t.upper() in CURRENCIES})
    scales = {_SCALE_WORDS[t] for t in tokens if t in _SCALE_WORDS}
    unknown = [
        t
        for t in tokens
        if t.upper() not in CURRENCIES and t not in _SCALE_WORDS and t not in _FILLER
    ]
    if len(currencies) != 1 or len(scales) != 1 or unknown:
        why = (
            f"unknown word(s) {unknown}"
            if unknown
            else "no currency"
            if not currencies
            else f"several currencies {currencies}"
            if len(currencies) > 1
            else "no scale (units, thousand, million or billion)"
            if not scales
            else "several scales"
        )
        raise InputError(
            f"{where}: {raw!r} is not a unit gvc knows ({why}); give a currency code and a "
            f"scale such as {EXAMPLES} (currencies: docs/units.md)"
        )
    return Unit(currencies[0], scales.pop())


def to_store(unit: Unit) -> tuple[Unit, float]:
    """The store's unit for ``unit`` (same currency, millions) and the factor to multiply by.

    >>> to_store(Unit("EUR", 9))
    (Unit(currency='EUR', scale=6), 1000.0)
    """
    return Unit(unit.currency, STORE_SCALE), float(10.0 ** (unit.scale - STORE_SCALE))


def unit_step(stated: str | None, declared: str | None, src: str) -> tuple[dict, float, dict]:
    """Harmonisation step ``unit``: the checked unit and the scaling to the store's convention.

    Parameters
    ----------
    stated : the unit a reader found (file or database documentation), None if none.
    declared : the unit the user declared (``--unit``), None if none.
    src : the file, for messages.

    Returns
    -------
    (record, factor, meta): the provenance record ``{"step": "unit", "detail",
    "cells_changed"}``, the factor to multiply every value by, and the table's ``unit``,
    ``unit_as_published`` and ``unit_factor``.

    Raises
    ------
    InputError
        neither stated nor declared (the message says how to declare it), a unit outside the
        set, a declared unit that contradicts the stated one.

    Examples
    --------
    >>> rec, factor, meta = unit_step("current 000 US$", None, "eora.zip")
    >>> factor, meta["unit"], rec["detail"]
    (0.001, 'USD million', "USD thousand (read as 'current 000 US$') -> USD million: every \
value multiplied by 0.001")
    """
    how = "declare it: a 'unit' column or a unit.txt file next to a long table, or --unit"
    if stated is None and declared is None:
        raise InputError(
            f"{src}: the table does not state its unit; {how} (e.g. --unit 'USD million')"
        )
    read = parse_unit(stated, f"{src}: unit") if stated is not None else None
    given = parse_unit(declared, "--unit") if declared is not None else None
    if read is not None and given is not None and read != given:
        raise InputError(
            f"{src}: the file's unit is {read} ({stated!r}) but {given} was declared; "
            "drop the declaration or fix the file"
        )
    published = read or given
    assert published is not None
    stored, factor = to_store(published)
    origin = f"read as {stated!r}" if read is not None else f"declared {declared!r}"
    if factor == 1.0:
        detail = f"{published} ({origin}): already the store's scale, values unchanged"
    else:
        detail = f"{published} ({origin}) -> {stored}: every value multiplied by {factor:g}"
    rec = {"step": "unit", "detail": detail, "cells_changed": 0}
    meta = {"unit": str(stored), "unit_as_published": str(published), "unit_factor": factor}
    return rec, factor, meta
