// The pricing form's values and the API's price terms, both ways, and the client-side checks that
// mirror billbo/pricing/models.py and billbo/skus/service.py (the server stays the judge: its 422
// details land on the same field names, which are the API's paths: "price.tiers.1.up_to").
// Decimals stay strings throughout: they are compared as scaled BigInts, never as floats.
import { z } from "zod";
import type { Schemas } from "@/api/client";
import { CURRENCY_EXPONENTS } from "@/lib/currencies";
import { formatDecimal, formatQuantity } from "@/lib/money";

export type PriceModel = Schemas["PriceIn"]["model"];
export type Currency = Schemas["SkuIn"]["currency"];
export type PriceIn = Schemas["PriceIn"];
export type PriceVersion = Schemas["PriceVersion"];

export const MODELS: readonly { value: PriceModel; label: string; description: string }[] = [
  { value: "per_unit", label: "Per unit", description: "Every unit costs the same." },
  { value: "graduated", label: "Graduated", description: "Each tier prices the units that fall in it." },
  { value: "volume", label: "Volume", description: "The tier the whole quantity reaches prices every unit." },
  { value: "package", label: "Package", description: "Every started package of units costs the package price." },
];

export function modelLabel(model: PriceModel): string {
  return MODELS.find((m) => m.value === model)?.label ?? model;
}

/** The currencies the API accepts (the `currencies` table; the SkuIn enum), sorted. */
export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS).sort() as Currency[];

export function isCurrency(value: string): value is Currency {
  return value in CURRENCY_EXPONENTS;
}

export function currencyLabel(code: string): string {
  try {
    const name = new Intl.DisplayNames(undefined, { type: "currency" }).of(code);
    return name && name !== code ? `${code} — ${name}` : code;
  } catch {
    return code;
  }
}

export interface TierForm {
  up_to: string;
  unit_price: string;
  flat_fee: string;
}

/** The price part of a form, as the inputs hold it (strings; empty means "not given"; no model
 * until one is chosen). */
export interface PriceForm {
  model: PriceModel | "";
  unit_price: string;
  package_size: string;
  package_price: string;
  included_quantity: string;
  minimum_charge: string;
  tiers: TierForm[];
}

export const MAX_TIERS = 50;

export const emptyTier = (): TierForm => ({ up_to: "", unit_price: "", flat_fee: "" });

export function emptyPrice(): PriceForm {
  return {
    model: "",
    unit_price: "",
    package_size: "",
    package_price: "",
    included_quantity: "0",
    minimum_charge: "0",
    tiers: [emptyTier()],
  };
}

const tiered = (model: PriceModel | ""): boolean => model === "graduated" || model === "volume";

/** The PriceIn the API takes for these inputs: only the model's own terms, decimals as strings,
 * the last tier open-ended (up_to null), an empty amount sent as "0" (the API's default). */
export function toPriceIn(form: PriceForm): PriceIn {
  const orZero = (value: string) => value.trim() || "0";
  const common = { included_quantity: orZero(form.included_quantity), minimum_charge: orZero(form.minimum_charge) };
  switch (form.model) {
    case "per_unit":
      return { model: "per_unit", unit_price: form.unit_price.trim(), ...common };
    case "package":
      return { model: "package", package_size: form.package_size.trim(), package_price: form.package_price.trim(), ...common };
    case "graduated":
    case "volume":
      return {
        model: form.model,
        tiers: form.tiers.map((tier, index) => {
          const last = index === form.tiers.length - 1;
          return { up_to: last ? null : tier.up_to.trim(), unit_price: tier.unit_price.trim(), flat_fee: orZero(tier.flat_fee) };
        }),
        ...common,
      };
    case "":
      throw new Error("Choose a pricing model first.");
  }
}

/** The inputs that show a stored version's terms (to start a new price from the current one). */
export function fromPriceVersion(version: PriceVersion): PriceForm {
  const text = (value: string | null | undefined) => (value == null ? "" : trimZeros(value));
  return {
    model: version.model,
    unit_price: text(version.unit_price),
    package_size: text(version.package_size),
    package_price: text(version.package_price),
    included_quantity: text(version.included_quantity) || "0",
    minimum_charge: text(version.minimum_charge) || "0",
    tiers: version.tiers.length
      ? version.tiers.map((tier) => ({
          up_to: text(tier.up_to),
          unit_price: text(tier.unit_price),
          flat_fee: isZero(tier.flat_fee) ? "" : text(tier.flat_fee),
        }))
      : [emptyTier()],
  };
}

// -- Decimals, exactly --------------------------------------------------------------------------

/** A non-negative decimal as the API's price fields take it (billbo/fields.py, without the sign). */
export const DECIMAL = /^(0|[1-9][0-9]{0,25})(\.[0-9]{1,30})?$/;
/** A quantity for the preview: the same, with an optional minus (a net quantity can be negative). */
export const SIGNED_DECIMAL = /^-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,30})?$/;

function trimZeros(value: string): string {
  return value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
}

function isZero(value: string): boolean {
  return /^-?0*(\.0*)?$/.test(value.trim());
}

/** -1, 0 or 1 as a < b, a = b, a > b, for non-negative decimal strings. */
export function compareDecimals(a: string, b: string): number {
  const [aWhole = "0", aFraction = ""] = a.trim().split(".");
  const [bWhole = "0", bFraction = ""] = b.trim().split(".");
  const digits = Math.max(aFraction.length, bFraction.length);
  const x = BigInt(aWhole + aFraction.padEnd(digits, "0"));
  const y = BigInt(bWhole + bFraction.padEnd(digits, "0"));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether an amount charged as such can be paid in the currency's minor units ("0.001" USD cannot). */
export function fitsMinorUnits(amount: string, currency: string): boolean {
  const exponent = CURRENCY_EXPONENTS[currency];
  if (exponent === undefined) return true;
  const fraction = amount.trim().split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length <= exponent;
}

// -- Client-side checks -------------------------------------------------------------------------

const NOT_DECIMAL = "Enter a number such as 1500 or 0.25 (digits and an optional point).";

type Path = (string | number)[];
type Issue = (path: Path, message: string) => void;

/** Adds an issue for every rule of the server the inputs break, under `prefix` (["price"]). */
export function checkPrice(price: PriceForm, currency: string | undefined, issue: Issue, prefix: Path = ["price"]): void {
  const at = (...path: Path) => [...prefix, ...path];
  const decimal = (value: string, path: Path, { required }: { required: boolean }): boolean => {
    const text = value.trim();
    if (!text) {
      if (required) issue(path, "Required.");
      return false;
    }
    if (!DECIMAL.test(text)) {
      issue(path, NOT_DECIMAL);
      return false;
    }
    return true;
  };
  const charge = (value: string, path: Path) => {
    if (currency && isCurrency(currency) && !fitsMinorUnits(value, currency)) {
      issue(path, `${currency} has ${CURRENCY_EXPONENTS[currency]} decimals; ${value.trim()} has more.`);
    }
  };

  if (!price.model) issue(at("model"), "Choose a pricing model.");
  decimal(price.included_quantity, at("included_quantity"), { required: false });
  if (decimal(price.minimum_charge, at("minimum_charge"), { required: false })) charge(price.minimum_charge, at("minimum_charge"));

  if (price.model === "per_unit") {
    decimal(price.unit_price, at("unit_price"), { required: true });
  } else if (price.model === "package") {
    if (decimal(price.package_size, at("package_size"), { required: true }) && isZero(price.package_size)) {
      issue(at("package_size"), "A package holds more than 0 units.");
    }
    if (decimal(price.package_price, at("package_price"), { required: true })) charge(price.package_price, at("package_price"));
  } else if (tiered(price.model)) {
    if (price.tiers.length === 0) issue(at("tiers"), "Add at least one tier.");
    if (price.tiers.length > MAX_TIERS) issue(at("tiers"), `At most ${MAX_TIERS} tiers.`);
    let previous: string | null = "0";
    price.tiers.forEach((tier, index) => {
      const last = index === price.tiers.length - 1;
      decimal(tier.unit_price, at("tiers", index, "unit_price"), { required: true });
      if (decimal(tier.flat_fee, at("tiers", index, "flat_fee"), { required: false })) charge(tier.flat_fee, at("tiers", index, "flat_fee"));
      const upTo = at("tiers", index, "up_to");
      if (last) {
        if (tier.up_to.trim()) issue(upTo, "The last tier has no upper bound: leave it empty (∞, and above).");
        return;
      }
      if (!tier.up_to.trim()) {
        issue(upTo, "Only the last tier is open-ended: give this tier an upper bound.");
        previous = null;
      } else if (decimal(tier.up_to, upTo, { required: true })) {
        if (previous !== null && compareDecimals(tier.up_to, previous) <= 0) {
          issue(upTo, index === 0 ? "Must be above 0." : "Must be above the previous tier's upper bound.");
        }
        previous = tier.up_to.trim();
      } else {
        previous = null;
      }
    });
  }
}

export const tierSchema = z.object({ up_to: z.string(), unit_price: z.string(), flat_fee: z.string() });

export const priceSchema = z.object({
  model: z.enum(["per_unit", "graduated", "volume", "package", ""]),
  unit_price: z.string(),
  package_size: z.string(),
  package_price: z.string(),
  included_quantity: z.string(),
  minimum_charge: z.string(),
  tiers: z.array(tierSchema),
});

/** The optional "Effective from" (a datetime-local input, read as UTC). */
export const effectiveFromSchema = z.string();

/** The API's paths of the price inputs on screen, for applyApiErrors (only the model's own). */
export function priceFields(price: PriceForm): string[] {
  const fields = ["price.model", "price.included_quantity", "price.minimum_charge"];
  if (price.model === "per_unit") fields.push("price.unit_price");
  if (price.model === "package") fields.push("price.package_size", "price.package_price");
  if (tiered(price.model)) {
    price.tiers.forEach((_, index) => {
      fields.push(`price.tiers.${index}.up_to`, `price.tiers.${index}.unit_price`, `price.tiers.${index}.flat_fee`);
    });
  }
  return fields;
}

// -- Summaries ----------------------------------------------------------------------------------

/** The terms of a version in a few words per part: ["$0.01 per API call", "first 100 free"]. */
export function priceSummary(version: PriceVersion, currency: string, unit: string): string[] {
  const money = (value: string) => formatDecimal(value, currency);
  const parts: string[] = [];
  if (version.model === "per_unit" && version.unit_price != null) {
    parts.push(`${money(version.unit_price)} per ${unit}`);
  } else if (version.model === "package" && version.package_size != null && version.package_price != null) {
    parts.push(`${money(version.package_price)} per package of ${formatQuantity(version.package_size)} ${unit}`);
  } else {
    let previous: string | null = null;
    for (const tier of version.tiers) {
      const range =
        tier.up_to == null
          ? previous == null
            ? "any quantity"
            : `above ${formatQuantity(previous)}`
          : previous == null
            ? `up to ${formatQuantity(tier.up_to)}`
            : `${formatQuantity(previous)}–${formatQuantity(tier.up_to)}`;
      const fee = isZero(tier.flat_fee) ? "" : ` + ${money(tier.flat_fee)} flat`;
      parts.push(`${range}: ${money(tier.unit_price)} each${fee}`);
      previous = tier.up_to;
    }
  }
  if (!isZero(version.included_quantity)) parts.push(`first ${formatQuantity(version.included_quantity)} free`);
  if (!isZero(version.minimum_charge)) parts.push(`minimum ${money(version.minimum_charge)}`);
  return parts;
}
