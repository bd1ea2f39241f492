import { Badge } from "@/components/ui/badge";
import { STRIPE_STATES, type StripeState, statusOf } from "./invoice-text";

export function InvoiceStatusBadge({ status }: { status: string }) {
  const known = statusOf(status);
  return <Badge tone={known.tone}>{known.label}</Badge>;
}

export function StripeStateBadge({ state }: { state: StripeState }) {
  const known = STRIPE_STATES[state];
  return <Badge tone={known.tone}>{known.label}</Badge>;
}
