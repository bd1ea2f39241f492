// How invoices are named and described across the invoice and customer pages: the statuses
// (billbo's `invoice_status`: draft, finalized) and the Stripe export states
// (`invoice_export_state`, billbo/stripe/schemas.py: StripeExportStatus).
import type { Schemas } from "@/api/client";
import type { Tone } from "@/components/ui/badge";
import { formatPeriod } from "@/lib/dates";

export type Invoice = Schemas["Invoice"];
export type InvoiceLine = Schemas["InvoiceLine"];
export type StripeState = Schemas["StripeExportStatus"]["state"];

export const STATUSES: readonly { value: string; label: string; tone: Tone; description: string }[] = [
  {
    value: "draft",
    label: "Draft",
    tone: "warn",
    description: "Refreshed as usage is rated; finalised and numbered when its period and grace period are over.",
  },
  { value: "finalized", label: "Finalized", tone: "good", description: "Numbered and frozen: it no longer changes." },
];

export function statusOf(status: string) {
  return STATUSES.find((known) => known.value === status) ?? { value: status, label: status, tone: "neutral" as Tone, description: "" };
}

export const STRIPE_STATES: Record<StripeState, { label: string; tone: Tone; description: string }> = {
  pending: { label: "Pending", tone: "info", description: "On its way to Stripe; the next export run carries on." },
  exported: { label: "Exported", tone: "info", description: "Finalised in Stripe and sent to the customer." },
  paid: { label: "Paid", tone: "good", description: "Stripe reports the invoice paid." },
  payment_failed: { label: "Payment failed", tone: "bad", description: "Stripe could not collect the payment." },
  void: { label: "Void", tone: "neutral", description: "Voided in Stripe." },
  uncollectible: { label: "Uncollectible", tone: "bad", description: "Marked uncollectible in Stripe." },
  failed: { label: "Failed", tone: "bad", description: "Stripe refused the invoice: fix the cause below, then retry the export." },
  skipped: { label: "Skipped", tone: "neutral", description: "An invoice of 0, not sent (your Stripe settings)." },
};

/** The page title of an invoice: "Invoice 12", or "Draft Invoice" before it has a number (either
 * way it says "Invoice", which the end-to-end journey looks for). */
export function invoiceTitle(invoice: Pick<Invoice, "number">): string {
  return invoice.number === null ? "Draft Invoice" : `Invoice ${invoice.number}`;
}

/** A row link's visible text: the number, or "Draft November 2026". */
export function invoiceLinkText(invoice: Pick<Invoice, "number" | "period_start">): string {
  return invoice.number === null ? `Draft ${formatPeriod(invoice.period_start)}` : String(invoice.number);
}

/** A row link's accessible name, which says whose invoice it is: "Invoice 12 for Acme, November 2026". */
export function invoiceLinkLabel(invoice: Pick<Invoice, "number" | "period_start">, customer: string): string {
  const period = formatPeriod(invoice.period_start);
  return invoice.number === null ? `Invoice for ${customer} ${period} (draft)` : `Invoice ${invoice.number} for ${customer} ${period}`;
}

/** A line billing usage of an earlier period than its invoice's: late usage of a finalised period. */
export function isAdjustment(line: Pick<InvoiceLine, "usage_period_start">, invoice: Pick<Invoice, "period_start">): boolean {
  return line.usage_period_start.slice(0, 7) < invoice.period_start.slice(0, 7);
}

/** The last `count` billing periods (YYYY-MM), newest first, ending with the current one. */
export function recentPeriods(count: number, now: Date = new Date()): string[] {
  const periods: string[] = [];
  for (let back = 0; back < count; back += 1) {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    periods.push(date.toISOString().slice(0, 7));
  }
  return periods;
}

const MODELS: Record<string, string> = {
  per_unit: "Per unit",
  graduated: "Graduated tiers",
  volume: "Volume tiers",
  package: "Package",
};

export function pricingModelLabel(model: string): string {
  return MODELS[model] ?? model;
}
