import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ExternalLink, RotateCcw } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { type Schemas, api } from "@/api/client";
import { errorMessage, unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { formatDateTime } from "@/lib/dates";
import { StripeStateBadge } from "./InvoiceBadges";
import { STRIPE_STATES } from "./invoice-text";

type InvoiceDetail = Schemas["InvoiceDetail"];

function Term({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** Where the invoice is in Stripe, and a retry of a failed export (admins). */
export function StripeCard({ invoice }: { invoice: InvoiceDetail }) {
  const { denied } = useSession();
  const client = useQueryClient();
  const retry = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/invoices/{invoice_id}/stripe/retry", { params: { path: { invoice_id: invoice.id } } })),
    onSuccess: (status) => {
      client.setQueryData<InvoiceDetail>(keys.invoice(invoice.id), (old) => (old ? { ...old, stripe: status } : old));
      void client.invalidateQueries({ queryKey: keys.invoice(invoice.id) });
    },
  });
  const stripe = invoice.stripe ?? null;

  return (
    <Card className="print:hidden">
      <CardHeader title="Stripe" description={stripe ? STRIPE_STATES[stripe.state].description : undefined} />
      <CardBody>
        {stripe === null ? (
          <p className="text-sm text-slate-700">
            {invoice.status === "draft" ? (
              "Drafts are not sent to Stripe: the invoice is exported once it is finalised, if Stripe is connected."
            ) : (
              <>
                Not exported: Stripe is not connected.{" "}
                <Link to="/settings" className="font-medium text-indigo-700 hover:underline">
                  Connect Stripe in Settings
                </Link>
                .
              </>
            )}
          </p>
        ) : (
          <div className="space-y-4">
            <dl className="grid gap-4 sm:grid-cols-3">
              <Term label="Export state">
                <StripeStateBadge state={stripe.state} />
              </Term>
              <Term label="Stripe invoice number">{stripe.number ?? "Not numbered yet"}</Term>
              <Term label="Stripe invoice ID">
                {stripe.stripe_invoice_id ? <code className="font-mono text-xs">{stripe.stripe_invoice_id}</code> : "None yet"}
              </Term>
              <Term label="Attempts">{stripe.attempts}</Term>
              <Term label="Updated">{formatDateTime(stripe.updated_at)}</Term>
              {stripe.hosted_invoice_url && (
                <Term label="Hosted invoice">
                  <a
                    href={stripe.hosted_invoice_url}
                    target="_blank"
                    rel="noopener noreferrer"
                    className="inline-flex items-center gap-1 font-medium text-indigo-700 hover:underline"
                  >
                    Open hosted invoice
                    <ExternalLink className="h-3.5 w-3.5" aria-hidden />
                    <span className="sr-only">(opens in a new tab)</span>
                  </a>
                </Term>
              )}
            </dl>
            {stripe.error && (
              <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                <p className="font-medium">Last error{stripe.error.code ? ` (${stripe.error.code})` : ""}</p>
                <p className="mt-0.5 break-words">{stripe.error.message}</p>
              </div>
            )}
            {stripe.state === "failed" && (
              <div className="space-y-2">
                <FormError message={retry.isError ? errorMessage(retry.error) : undefined} />
                <Button
                  onClick={() => retry.mutate()}
                  disabled={retry.isPending}
                  disabledReason={denied("retryExport")}
                >
                  <RotateCcw className="h-4 w-4" aria-hidden />
                  {retry.isPending ? "Retrying…" : "Retry export"}
                </Button>
                {denied("retryExport") && <p className="text-xs text-slate-600">{denied("retryExport")}</p>}
              </div>
            )}
            {retry.isSuccess && (
              <p role="status" className="text-sm text-slate-700">
                Export retried: {STRIPE_STATES[retry.data.state].label.toLowerCase()}.
              </p>
            )}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
