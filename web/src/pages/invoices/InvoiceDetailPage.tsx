import { Printer } from "lucide-react";
import { type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import type { Schemas } from "@/api/client";
import { useNames } from "@/api/queries";
import { Badge } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime, formatPeriod } from "@/lib/dates";
import { formatDecimal, formatMinor, formatQuantity } from "@/lib/money";
import { InvoiceStatusBadge } from "./InvoiceBadges";
import { EXPLANATION_ID, LineExplanationPanel } from "./LineExplanation";
import { StripeCard } from "./StripeCard";
import { invoiceTitle, isAdjustment, statusOf } from "./invoice-text";
import { useInvoice } from "./queries";

export default function InvoiceDetailPage() {
  const { invoiceId = "" } = useParams();
  const invoice = useInvoice(invoiceId);
  if (invoice.isPending || invoice.isError) {
    return (
      <div>
        <PageHeader title="Invoice" />
        {invoice.isPending ? (
          <Loading label="Loading the invoice" />
        ) : (
          <ErrorState error={invoice.error} retry={() => void invoice.refetch()} />
        )}
      </div>
    );
  }
  return <InvoiceView invoice={invoice.data} />;
}

function Term({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function InvoiceView({ invoice }: { invoice: Schemas["InvoiceDetail"] }) {
  const names = useNames();
  const [explained, setExplained] = useState<string | null>(null);
  const lines = invoice.lines ?? [];
  const explainedLine = lines.find((line) => line.id === explained);
  const customerName = names.customerName(invoice.customer_id);

  return (
    <div>
      <PageHeader
        title={invoiceTitle(invoice)}
        description={
          <>
            <Link to={`/customers/${invoice.customer_id}`} className="font-medium text-indigo-700 hover:underline">
              {customerName}
            </Link>{" "}
            · {formatPeriod(invoice.period_start)}
          </>
        }
        actions={
          <Link to={`/invoices/${invoice.id}/print`} className={buttonVariants({ variant: "secondary" })}>
            <Printer className="h-4 w-4" aria-hidden />
            Print
          </Link>
        }
      />

      <Card className="mb-6">
        <CardBody>
          <dl className="grid gap-4 sm:grid-cols-3">
            <Term label="Customer">{customerName}</Term>
            <Term label="Period">{formatPeriod(invoice.period_start)}</Term>
            <Term label="Status">
              <InvoiceStatusBadge status={invoice.status} />
            </Term>
            <Term label="Finalized at">{invoice.finalized_at ? formatDateTime(invoice.finalized_at) : "Not yet (draft)"}</Term>
            <Term label="Currency">{invoice.currency}</Term>
            <Term label="Total">
              <span className="font-semibold tabular-nums">{formatMinor(invoice.subtotal_minor, invoice.currency)}</span>
            </Term>
          </dl>
          {statusOf(invoice.status).description && (
            <p className="mt-4 text-sm text-slate-600">{statusOf(invoice.status).description}</p>
          )}
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Lines"
          description="One line per SKU and usage period; each amount is rounded once, from the unrounded amount beside it."
        />
        {lines.length === 0 ? (
          <Empty title="No lines">This invoice has no priced usage yet.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>SKU</Th>
                <Th>Usage period</Th>
                <Th className="text-right">Quantity</Th>
                <Th className="text-right">Events</Th>
                <Th className="text-right">Amount</Th>
                <Th className="text-right">Unrounded</Th>
                {/* relative: the visually hidden text stays inside the table's scroller at 375 px */}
                <Th className="relative">
                  <span className="sr-only">Explanation</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => {
                const skuName = names.skuName(line.sku_id);
                const adjustment = isAdjustment(line, invoice);
                return (
                  <tr key={line.id} className={line.id === explained ? "bg-indigo-50" : undefined}>
                    <Td className="font-medium">{skuName}</Td>
                    <Td>
                      {formatPeriod(line.usage_period_start)} {adjustment && <Badge tone="info">Adjustment</Badge>}
                    </Td>
                    <Td className="text-right tabular-nums">{formatQuantity(line.quantity)}</Td>
                    <Td className="text-right tabular-nums">{line.event_count.toLocaleString()}</Td>
                    <Td className="text-right tabular-nums">{formatMinor(line.amount_minor, invoice.currency)}</Td>
                    <Td className="text-right tabular-nums text-slate-700">{formatDecimal(line.amount_unrounded, invoice.currency)}</Td>
                    <Td>
                      <Button
                        id={`explain-${line.id}`}
                        variant="secondary"
                        size="sm"
                        aria-label={`Explain line ${skuName}${adjustment ? ` (${formatPeriod(line.usage_period_start)})` : ""}`}
                        aria-expanded={line.id === explained}
                        aria-controls={line.id === explained ? EXPLANATION_ID : undefined}
                        onClick={() => setExplained(line.id)}
                      >
                        Explain
                      </Button>
                    </Td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <Th scope="row" colSpan={4} className="bg-white text-right">
                  Total
                </Th>
                <Td className="text-right font-semibold tabular-nums">{formatMinor(invoice.subtotal_minor, invoice.currency)}</Td>
                <Td />
                <Td />
              </tr>
            </tfoot>
          </Table>
        )}
      </Card>

      {explainedLine && (
        <LineExplanationPanel
          invoiceId={invoice.id}
          currency={invoice.currency}
          line={explainedLine}
          skuName={names.skuName(explainedLine.sku_id)}
          onClose={() => {
            document.getElementById(`explain-${explainedLine.id}`)?.focus();
            setExplained(null);
          }}
        />
      )}

      <div className="mt-6">
        <StripeCard invoice={invoice} />
      </div>
    </div>
  );
}
