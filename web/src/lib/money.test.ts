import { describe, expect, it } from "vitest";
import { formatDecimal, formatMinor, formatQuantity, minorToDecimal } from "./money";

describe("minor units", () => {
  it("uses the currency's exponent", () => {
    expect(minorToDecimal(12345, "USD")).toBe("123.45");
    expect(minorToDecimal(12345, "JPY")).toBe("12345");
    expect(minorToDecimal(12345, "KWD")).toBe("12.345");
    expect(minorToDecimal(-5, "KWD")).toBe("-0.005");
    expect(minorToDecimal(7, "USD")).toBe("0.07");
  });

  it("never goes through a float", () => {
    // 2^53 + 1 cents: a float would print ...992 or ...994.
    expect(minorToDecimal("9007199254740993", "USD")).toBe("90071992547409.93");
    expect(formatMinor(9007199254740993n, "USD", "en-US")).toBe("$90,071,992,547,409.93");
    expect(() => minorToDecimal(2 ** 53 + 2, "USD")).toThrow(/safe integer/);
  });

  it("formats with symbol, grouping and sign", () => {
    expect(formatMinor(123456, "USD", "en-US")).toBe("$1,234.56");
    expect(formatMinor(-123456, "EUR", "en-US")).toBe("-€1,234.56");
    expect(formatMinor(500, "JPY", "en-US")).toBe("¥500");
    expect(formatMinor(1, "BHD", "en-US")).toBe("BHD\u00a00.001");
    expect(formatMinor(0, "USD", "en-US")).toBe("$0.00");
  });
});

describe("decimal strings", () => {
  it("keeps every significant digit of a price", () => {
    expect(formatDecimal("0.0001", "USD", "en-US")).toBe("$0.0001");
    expect(formatDecimal("12.5", "USD", "en-US")).toBe("$12.50");
    expect(formatDecimal("12.500000", "USD", "en-US")).toBe("$12.50");
    expect(formatDecimal("0.30000000000000000000001", "USD", "en-US")).toBe("$0.30000000000000000000001");
    expect(formatDecimal("100", "JPY", "en-US")).toBe("¥100");
  });

  it("groups quantities without rounding them", () => {
    expect(formatQuantity("1234567.5", "en-US")).toBe("1,234,567.5");
    expect(formatQuantity("12345678901234567890.25", "en-US")).toBe("12,345,678,901,234,567,890.25");
    expect(formatQuantity("3.000", "en-US")).toBe("3");
  });
});

describe("locales", () => {
  it("takes the layout from the locale and the digits from the string", () => {
    expect(formatMinor(123456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
    expect(formatDecimal("-0.5", "USD", "en-US")).toBe("-$0.50");
    expect(formatDecimal("-0.000", "USD", "en-US")).toBe("$0.00");
  });
});
