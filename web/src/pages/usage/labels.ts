// Words for the codes the API sends about usage (billbo/usage/service.py, billbo/pricing).

const REASONS: Record<string, string> = {
  unknown_customer: "No customer with this ID: add the customer, or fix the customer_id sent.",
  unknown_sku: "No SKU with this ID: add the SKU, or fix the sku_id sent.",
  no_price_in_force: "The SKU has no price in force now: add a price version.",
};

/** Why usage cannot be priced, in words (the code itself for a code this dashboard does not know). */
export function reasonText(code: string): string {
  return REASONS[code] ?? code.replaceAll("_", " ");
}

const MODELS: Record<string, string> = {
  per_unit: "Per unit",
  graduated: "Graduated",
  volume: "Volume",
  package: "Package",
};

export function modelText(model: string): string {
  return MODELS[model] ?? model;
}
