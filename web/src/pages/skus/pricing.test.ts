import { describe, expect, it } from "vitest";
import { checkPrice, compareDecimals, emptyPrice, fitsMinorUnits, fromPriceVersion, priceSummary, toPriceIn, type PriceForm } from "./pricing";
import { priceVersion } from "./testing";

const form = (overrides: Partial<PriceForm>): PriceForm => ({ ...emptyPrice(), ...overrides });

function issues(price: PriceForm, currency = "USD"): Record<string, string> {
  const found: Record<string, string> = {};
  checkPrice(price, currency, (path, message) => {
    found[path.join(".")] = message;
  });
  return found;
}

describe("toPriceIn", () => {
  it("sends only the model's own terms, as strings", () => {
    const filled = form({
      unit_price: " 0.002 ",
      package_size: "1000",
      package_price: "2.50",
      tiers: [{ up_to: "10", unit_price: "1", flat_fee: "" }],
      included_quantity: "",
      minimum_charge: "5",
    });
    expect(toPriceIn({ ...filled, model: "per_unit" })).toEqual({
      model: "per_unit",
      unit_price: "0.002",
      included_quantity: "0",
      minimum_charge: "5",
    });
    expect(toPriceIn({ ...filled, model: "package" })).toEqual({
      model: "package",
      package_size: "1000",
      package_price: "2.50",
      included_quantity: "0",
      minimum_charge: "5",
    });
  });

  it("makes the last tier open-ended and an empty flat fee 0", () => {
    const tiers = [
      { up_to: "1000", unit_price: "0.01", flat_fee: "5" },
      { up_to: "5000", unit_price: "0.008", flat_fee: "" },
      { up_to: "", unit_price: "0.005", flat_fee: "" },
    ];
    for (const model of ["graduated", "volume"] as const) {
      expect(toPriceIn(form({ model, tiers, included_quantity: "100" }))).toEqual({
        model,
        tiers: [
          { up_to: "1000", unit_price: "0.01", flat_fee: "5" },
          { up_to: "5000", unit_price: "0.008", flat_fee: "0" },
          { up_to: null, unit_price: "0.005", flat_fee: "0" },
        ],
        included_quantity: "100",
        minimum_charge: "0",
      });
    }
  });

  it("round-trips a stored version", () => {
    const version = priceVersion({
      included_quantity: "100.000000",
      minimum_charge: "5.000000",
      tiers: [
        { up_to: "1000.000000", unit_price: "0.010000", flat_fee: "0.000000" },
        { up_to: null, unit_price: "0.005000", flat_fee: "1.50" },
      ],
    });
    const shown = fromPriceVersion(version);
    expect(shown.tiers).toEqual([
      { up_to: "1000", unit_price: "0.01", flat_fee: "" },
      { up_to: "", unit_price: "0.005", flat_fee: "1.5" },
    ]);
    expect(toPriceIn(shown)).toEqual({
      model: "graduated",
      tiers: [
        { up_to: "1000", unit_price: "0.01", flat_fee: "0" },
        { up_to: null, unit_price: "0.005", flat_fee: "1.5" },
      ],
      included_quantity: "100",
      minimum_charge: "5",
    });
  });
});

describe("checkPrice mirrors the server's rules", () => {
  it("needs the model's own terms as decimals", () => {
    expect(issues(form({ model: "per_unit" }))).toEqual({ "price.unit_price": "Required." });
    expect(issues(form({ model: "per_unit", unit_price: "-1" }))).toHaveProperty("price.unit_price", expect.stringMatching(/number/));
    expect(issues(form({ model: "per_unit", unit_price: "1e3" }))).toHaveProperty("price.unit_price");
    expect(issues(form({ model: "per_unit", unit_price: "01" }))).toHaveProperty("price.unit_price");
    expect(issues(form({ model: "per_unit", unit_price: "0.0001" }))).toEqual({});
    expect(issues(form({ model: "package", package_size: "0", package_price: "1" }))).toEqual({
      "price.package_size": "A package holds more than 0 units.",
    });
    expect(issues(form({ model: "package", package_size: "10", package_price: "" }))).toEqual({ "price.package_price": "Required." });
  });

  it("wants rising bounds and an open last tier", () => {
    const tiers = (...bounds: string[]) => bounds.map((up_to) => ({ up_to, unit_price: "1", flat_fee: "" }));
    expect(issues(form({ model: "graduated", tiers: tiers("1000", "") }))).toEqual({});
    expect(issues(form({ model: "graduated", tiers: tiers("1000", "1000", "") }))).toEqual({
      "price.tiers.1.up_to": "Must be above the previous tier's upper bound.",
    });
    // 999.5 < 1000 although "999.5" > "1000" as text: compared as decimals.
    expect(issues(form({ model: "volume", tiers: tiers("1000", "999.5", "") }))).toHaveProperty("price.tiers.1.up_to");
    expect(issues(form({ model: "volume", tiers: tiers("0", "") }))).toEqual({ "price.tiers.0.up_to": "Must be above 0." });
    expect(issues(form({ model: "graduated", tiers: tiers("", "") }))).toHaveProperty("price.tiers.0.up_to", expect.stringMatching(/upper bound/));
    expect(issues(form({ model: "graduated", tiers: tiers("10", "20") }))).toHaveProperty("price.tiers.1.up_to", expect.stringMatching(/last tier/));
    expect(issues(form({ model: "graduated", tiers: [] }))).toEqual({ "price.tiers": "Add at least one tier." });
  });

  it("wants amounts charged as such in the currency's minor units", () => {
    expect(issues(form({ model: "per_unit", unit_price: "0.0001", minimum_charge: "0.001" }))).toEqual({
      "price.minimum_charge": "USD has 2 decimals; 0.001 has more.",
    });
    expect(issues(form({ model: "package", package_size: "1", package_price: "1.5" }), "JPY")).toEqual({
      "price.package_price": "JPY has 0 decimals; 1.5 has more.",
    });
    expect(issues(form({ model: "graduated", tiers: [{ up_to: "", unit_price: "0.0001", flat_fee: "0.125" }] }), "KWD")).toEqual({});
    expect(issues(form({ model: "graduated", tiers: [{ up_to: "", unit_price: "1", flat_fee: "0.125" }] }))).toHaveProperty("price.tiers.0.flat_fee");
  });
});

describe("decimals", () => {
  it("compares without floats", () => {
    expect(compareDecimals("1000", "999.999999999999999999")).toBe(1);
    expect(compareDecimals("0.30000000000000000001", "0.3")).toBe(1);
    expect(compareDecimals("10.50", "10.5")).toBe(0);
    expect(compareDecimals("2", "10")).toBe(-1);
  });

  it("knows what minor units can pay", () => {
    expect(fitsMinorUnits("12.50", "USD")).toBe(true);
    expect(fitsMinorUnits("12.500", "USD")).toBe(true);
    expect(fitsMinorUnits("12.505", "USD")).toBe(false);
    expect(fitsMinorUnits("100", "JPY")).toBe(true);
  });
});

describe("priceSummary", () => {
  it("says each model's terms in a few words", () => {
    expect(priceSummary(priceVersion(), "USD", "API call")).toEqual(["up to 1,000: $0.01 each", "above 1,000: $0.005 each"]);
    expect(
      priceSummary(priceVersion({ model: "per_unit", unit_price: "0.0020", tiers: [], included_quantity: "100", minimum_charge: "5" }), "USD", "GB"),
    ).toEqual(["$0.002 per GB", "first 100 free", "minimum $5.00"]);
    expect(priceSummary(priceVersion({ model: "package", package_size: "1000", package_price: "2.5", tiers: [] }), "EUR", "email")).toEqual([
      "€2.50 per package of 1,000 email",
    ]);
    expect(
      priceSummary(
        priceVersion({
          model: "volume",
          tiers: [
            { up_to: "10", unit_price: "1", flat_fee: "3" },
            { up_to: "20", unit_price: "0.5", flat_fee: "0" },
            { up_to: null, unit_price: "0.25", flat_fee: "0" },
          ],
        }),
        "USD",
        "seat",
      ),
    ).toEqual(["up to 10: $1.00 each + $3.00 flat", "10–20: $0.50 each", "above 20: $0.25 each"]);
  });
});
