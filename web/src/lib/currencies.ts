// Each currency's minor-unit exponent, as the `currencies` table of the Postgres migrations holds it
// (tests/web/test_currencies.py fails when the two differ). Money arrives from the API as integer
// minor units or decimal strings; src/lib/money.ts formats it with these exponents, never via floats.
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  AED: 2, // UAE Dirham
  AUD: 2, // Australian Dollar
  BHD: 3, // Bahraini Dinar
  BRL: 2, // Brazilian Real
  CAD: 2, // Canadian Dollar
  CHF: 2, // Swiss Franc
  CLP: 0, // Chilean Peso
  CNY: 2, // Yuan Renminbi
  CZK: 2, // Czech Koruna
  DKK: 2, // Danish Krone
  EUR: 2, // Euro
  GBP: 2, // Pound Sterling
  HKD: 2, // Hong Kong Dollar
  HUF: 2, // Forint
  IDR: 2, // Rupiah
  ILS: 2, // New Israeli Sheqel
  INR: 2, // Indian Rupee
  ISK: 0, // Iceland Krona
  JOD: 3, // Jordanian Dinar
  JPY: 0, // Yen
  KRW: 0, // Won
  KWD: 3, // Kuwaiti Dinar
  MXN: 2, // Mexican Peso
  NOK: 2, // Norwegian Krone
  NZD: 2, // New Zealand Dollar
  OMR: 3, // Rial Omani
  PLN: 2, // Zloty
  SAR: 2, // Saudi Riyal
  SEK: 2, // Swedish Krona
  SGD: 2, // Singapore Dollar
  THB: 2, // Baht
  TND: 3, // Tunisian Dinar
  TRY: 2, // Turkish Lira
  TWD: 2, // New Taiwan Dollar
  USD: 2, // US Dollar
  VND: 0, // Dong
  ZAR: 2, // Rand
};
