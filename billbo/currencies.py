"""The currencies BillBo bills in (ISO 4217 codes).

The ``currencies`` table (migrations/postgres, with each currency's minor-unit exponent) is where
invoicing reads them; this set is what the APIs' schemas list, so a client knows every accepted
code. tests/billbo/test_currencies.py holds the two equal.
"""

CODES: frozenset[str] = frozenset({
    "AED", "AUD", "BHD", "BRL", "CAD", "CHF", "CLP", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF",
    "IDR", "ILS", "INR", "ISK", "JOD", "JPY", "KRW", "KWD", "MXN", "NOK", "NZD", "OMR", "PLN", "SAR",
    "SEK", "SGD", "THB", "TND", "TRY", "TWD", "USD", "VND", "ZAR"
})  # fmt: skip
