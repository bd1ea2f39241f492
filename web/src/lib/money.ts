// Money as the API gives it: integer minor units (invoice amounts) or decimal strings (prices,
// estimated amounts). Both are formatted from their digits, never through a float: a number in
// JavaScript loses cents above 2^53, and 0.1 + 0.2 is not 0.3. Intl gives only the layout
// (symbol, sign, grouping and decimal mark of the locale); digits stay strings and BigInts.
import { CURRENCY_EXPONENTS } from "./currencies";

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

export function exponentOf(currency: string): number {
  const exponent = CURRENCY_EXPONENTS[currency.toUpperCase()];
  if (exponent === undefined) throw new Error(`unknown currency ${currency}`);
  return exponent;
}

/** Integer minor units as an exact decimal string: (12345, USD) -> "123.45"; (-5, KWD) -> "-0.005". */
export function minorToDecimal(minor: number | bigint | string, currency: string): string {
  if (typeof minor === "number" && !Number.isSafeInteger(minor)) {
    throw new Error(`minor units must be a safe integer, got ${minor}`);
  }
  const value = BigInt(minor);
  const exponent = exponentOf(currency);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? "-" : ""}${whole}${exponent ? `.${fraction}` : ""}`;
}

/** The sign, whole digits and fraction digits of a decimal string, trailing zeros kept. */
function split(decimal: string): { negative: boolean; whole: string; fraction: string } {
  const match = DECIMAL.exec(decimal.trim());
  if (!match) throw new Error(`not a decimal: ${decimal}`);
  const [, sign = "", whole = "0", fraction = ""] = match;
  const zero = /^0*$/.test(whole) && /^0*$/.test(fraction);
  return { negative: sign === "-" && !zero, whole, fraction };
}

/**
 * Lays digits out as the locale writes a number (currency symbol, sign, grouping, decimal mark),
 * taking only the layout from Intl: the digits themselves are never converted to a number.
 */
function layout(decimal: string, fractionDigits: (fraction: string) => string, currency?: string, locale?: string): string {
  const { negative, whole, fraction } = split(decimal);
  const options: Intl.NumberFormatOptions = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  const template = new Intl.NumberFormat(locale, currency ? { ...options, style: "currency", currency } : options);
  const grouped = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(BigInt(whole));
  const shown = fractionDigits(fraction);
  return template
    .formatToParts(negative ? -1.5 : 1.5)
    .map((part) => {
      if (part.type === "integer") return grouped;
      if (part.type === "fraction") return shown;
      if (part.type === "decimal") return shown ? part.value : "";
      return part.value;
    })
    .join("");
}

const significant = (fraction: string): string => fraction.replace(/0+$/, "");

/** An invoice amount in minor units, shown with the currency's exponent: (123456, "USD") -> "$1,234.56". */
export function formatMinor(minor: number | bigint | string, currency: string, locale?: string): string {
  return layout(minorToDecimal(minor, currency), (fraction) => fraction, currency, locale);
}

/**
 * A decimal amount (a price, an estimate) with at least the currency's exponent and every
 * significant digit it has: ("0.0001", "USD") -> "$0.0001"; ("12.5", "USD") -> "$12.50".
 */
export function formatDecimal(decimal: string, currency: string, locale?: string): string {
  const exponent = exponentOf(currency);
  return layout(decimal, (fraction) => significant(fraction).padEnd(exponent, "0"), currency, locale);
}

/** A quantity (a decimal string) with digit grouping and its own fraction: "1234567.5" -> "1,234,567.5". */
export function formatQuantity(decimal: string, locale?: string): string {
  return layout(decimal, significant, undefined, locale);
}

/** Whether a string is a decimal the API accepts (digits, an optional point and fraction). */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}
