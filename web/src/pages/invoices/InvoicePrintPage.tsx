import { ArrowLeft, Printer } from "lucide-react";
import { Link, useParams } from "react-router";
import type { Schemas } from "@/api/client";
import { useNames } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Button, buttonVariants } from "@/components/ui/button";
import { ErrorState, Loading } from "@/components/ui/states";
import { Table } from "@/components/ui/table";
import { formatDate, formatPeriod, periodBounds } from "@/lib/dates";
import { formatMinor, formatQuantity } from "@/lib/money";
import { useCustomer } from "../customers/queries";
import { isAdjustment } from "./invoice-text";
import { useInvoice } from "./queries";

/** A clean, printable invoice, outside the app shell: black on white, no navigation when printed. */
export default function InvoicePrintPage() {
  const { invoiceId = "" } = useParams();
  const invoice = useInvoice(invoiceId);
  return (
    <main className="mx-auto max-w-3xl bg-white px-4 py-6 text-slate-900 sm:px-8 print:max-w-none print:p-0 print:text-black">
      <div className="mb-6 flex flex-wrap items-center justify-between gap-3 print:hidden">
        <Link to={`/invoices/${invoiceId}`} className={buttonVariants({ variant: "secondary" })}>
          <ArrowLeft className="h-4 w-4" aria-hidden />
          Back to invoice
        </Link>
        <Button onClick={() => window.print()} disabled={!invoice.isSuccess}>
          <Printer className="h-4 w-4" aria-hidden />
          Print
        </Button>
      </div>
      {invoice.isPending ? (
        <>
          <h1 className="sr-only">Invoice</h1>
          <Loading label="Loading the invoice" />
        </>
      ) : invoice.isError ? (
        <>
          <h1 className="text-2xl font-semibold">Invoice</h1>
          <ErrorState error={invoice.error} retry={() => void invoice.refetch()} />
        </>
      ) : (
        <PrintableInvoice invoice={invoice.data} />
      )}
    </main>
  );
}

function PrintableInvoice({ invoice }: { invoice: Schemas["InvoiceDetail"] }) {
  const { me } = useSession();
  const names = useNames();
  const customer = useCustomer(invoice.customer_id);
  const lines = invoice.lines ?? [];
  const draft = invoice.number === null;
  const { to } = periodBounds(invoice.period_start.slice(0, 7));
  // The period runs to its last day (the bound is the first instant of the next period).
  const lastDay = new Date(new Date(to).getTime() - 86_400_000).toISOString().slice(0, 10);

  return (
    <article className="space-y-8 print:space-y-6">
      <header className="flex flex-wrap items-start justify-between gap-6 border-b border-slate-300 pb-6 print:border-black">
        <div>
          <p className="text-lg font-semibold">{me.merchant_name}</p>
        </div>
        <div className="text-right">
          <h1 className="text-2xl font-semibold tracking-tight">
            Invoice{" "}
            {draft ? (
              <span className="rounded border-2 border-slate-900 px-2 tracking-widest print:border-black">DRAFT</span>
            ) : (
              invoice.number
            )}
          </h1>
          {draft && <p className="mt-2 text-sm">Not a final invoice: its amounts change until the period is closed.</p>}
        </div>
      </header>

      <section className="grid gap-6 sm:grid-cols-2 print:grid-cols-2" aria-label="Invoice details">
        <div>
          <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-700 print:text-black">Bill to</h2>
          <p className="mt-1 font-medium">{customer.data?.name ?? names.customerName(invoice.customer_id)}</p>
          {customer.data?.email && <p className="text-sm">{customer.data.email}</p>}
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm sm:justify-self-end">
          {!draft && (
            <>
              <dt className="font-semibold">Invoice number</dt>
              <dd>{invoice.number}</dd>
            </>
          )}
          <dt className="font-semibold">Period</dt>
          <dd>
            {formatPeriod(invoice.period_start)} ({formatDate(invoice.period_start)} – {formatDate(lastDay)})
          </dd>
          <dt className="font-semibold">Issue date</dt>
          <dd>{invoice.finalized_at ? formatDate(invoice.finalized_at) : "Not issued yet"}</dd>
          <dt className="font-semibold">Currency</dt>
          <dd>{invoice.currency}</dd>
        </dl>
      </section>

      <Table scrollLabel="Lines">
        <caption className="sr-only">Invoice lines</caption>
        <thead>
          <tr className="border-b-2 border-slate-900 print:border-black">
            <th scope="col" className="py-2 pr-3 font-semibold">
              Description
            </th>
            <th scope="col" className="py-2 pr-3 font-semibold">
              Usage period
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-semibold">
              Quantity
            </th>
            <th scope="col" className="py-2 text-right font-semibold">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.length === 0 ? (
            <tr>
              <td colSpan={4} className="py-3 text-slate-700 print:text-black">
                No lines.
              </td>
            </tr>
          ) : (
            lines.map((line) => (
              <tr key={line.id} className="border-b border-slate-300 print:border-black/40">
                <td className="py-2 pr-3">
                  {names.skuName(line.sku_id)}
                  {isAdjustment(line, invoice) && <span> (adjustment: late usage)</span>}
                </td>
                <td className="py-2 pr-3">{formatPeriod(line.usage_period_start)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{formatQuantity(line.quantity)}</td>
                <td className="py-2 text-right tabular-nums">{formatMinor(line.amount_minor, invoice.currency)}</td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot>
          <tr className="border-t-2 border-slate-900 print:border-black">
            <th scope="row" colSpan={3} className="py-3 pr-3 text-right font-semibold">
              Total
            </th>
            <td className="py-3 text-right text-base font-semibold tabular-nums">
              {formatMinor(invoice.subtotal_minor, invoice.currency)}
            </td>
          </tr>
        </tfoot>
      </Table>
    </article>
  );
}
