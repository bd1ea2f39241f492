// The billing settings form: its fields, the API's limits (billbo/merchants/schemas.py) and the
// patch of only what changed (PATCH /api/settings changes the fields sent, nothing else).
import { z } from "zod";
import type { Schemas } from "@/api/client";

export type BillingSettings = Schemas["BillingSettings"];
export type BillingPatch = Schemas["BillingSettingsPatch"];
export type CollectionMethod = BillingSettings["collection_method"];

export const BILLING_FIELDS = [
  "invoice_grace_period_minutes",
  "backdating_window_days",
  "collection_method",
  "days_until_due",
  "send_zero_amount_invoices",
] as const satisfies readonly (keyof BillingSettings)[];

export const COLLECTION_METHODS: { value: CollectionMethod; label: string }[] = [
  { value: "charge_automatically", label: "Charge the customer’s payment method automatically" },
  { value: "send_invoice", label: "Email the invoice, to be paid by the due date" },
];

function wholeNumber(min: number, max: number) {
  return z
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(min, `At least ${min}.`)
    .max(max, `At most ${max.toLocaleString("en-US")}.`);
}

export const billingSchema = z.object({
  invoice_grace_period_minutes: wholeNumber(0, 43_200),
  backdating_window_days: wholeNumber(1, 365),
  collection_method: z.enum(["send_invoice", "charge_automatically"]),
  days_until_due: wholeNumber(1, 365),
  send_zero_amount_invoices: z.boolean(),
}) satisfies z.ZodType<BillingSettings>;

function put<K extends keyof BillingSettings>(patch: BillingPatch, key: K, value: BillingSettings[K]): void {
  patch[key] = value;
}

/** The fields of `after` that differ from `before`: what to send. */
export function changedFields(before: BillingSettings, after: BillingSettings): BillingPatch {
  const patch: BillingPatch = {};
  for (const key of BILLING_FIELDS) {
    if (after[key] !== before[key]) put(patch, key, after[key]);
  }
  return patch;
}
