import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { useCustomers, useNames } from "@/api/queries";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { Empty, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatPeriod } from "@/lib/dates";
import { formatMinor } from "@/lib/money";
import { InvoiceStatusBadge } from "./InvoiceBadges";
import { STATUSES, type Invoice, invoiceLinkLabel, invoiceLinkText, recentPeriods } from "./invoice-text";
import { useInvoices } from "./queries";

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Invoices of every customer, filtered by period (the API's), status and customer (here). */
export default function InvoicesPage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get("period") ?? "";
  const period = PERIOD.test(requested) ? requested : "";
  const status = params.get("status") ?? "";
  const customer = params.get("customer") ?? "";
  const invoices = useInvoices(period || undefined);
  const customers = useCustomers("", true);
  const names = useNames();

  function setFilters(changes: Partial<Record<"period" | "status" | "customer", string>>) {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  }

  const periods = useMemo(() => {
    const recent = recentPeriods(24);
    return period && !recent.includes(period) ? [period, ...recent].sort().reverse() : recent;
  }, [period]);

  const customerOptions = useMemo(() => {
    const byId = new Map((customers.data?.customers ?? []).map((c) => [c.id, c.name] as const));
    for (const invoice of invoices.data ?? []) if (!byId.has(invoice.customer_id)) byId.set(invoice.customer_id, invoice.customer_id);
    if (customer && !byId.has(customer)) byId.set(customer, customer);
    return [...byId.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }, [customers.data, invoices.data, customer]);

  const shown = (all: Invoice[]) =>
    all.filter((invoice) => (!status || invoice.status === status) && (!customer || invoice.customer_id === customer));

  return (
    <div>
      <PageHeader
        title="Invoices"
        description="One invoice per customer, period and currency: a draft while the period is open, numbered when it is finalised."
      />
      <div className="mb-4 grid gap-4 sm:grid-cols-3">
        <Field label="Period">
          <Select value={period} onChange={(event) => setFilters({ period: event.target.value })}>
            <option value="">All periods</option>
            {periods.map((value) => (
              <option key={value} value={value}>
                {formatPeriod(value)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Status">
          <Select value={status} onChange={(event) => setFilters({ status: event.target.value })}>
            <option value="">All statuses</option>
            {STATUSES.map((known) => (
              <option key={known.value} value={known.value}>
                {known.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Customer">
          <Select value={customer} onChange={(event) => setFilters({ customer: event.target.value })}>
            <option value="">All customers</option>
            {customerOptions.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Card>
        <QueryView
          query={invoices}
          label="Loading invoices"
          isEmpty={(all) => all.length === 0}
          empty={
            <Empty title="No invoices yet">
              {period ? `There are no invoices for ${formatPeriod(period)}. ` : ""}
              Invoices appear after rating: BillBo rates the usage it has received (hourly, or with{" "}
              <code className="font-mono">billbo rate</code>) and writes a draft invoice for each customer with priced usage;
              drafts are finalised and numbered when their period is over.
            </Empty>
          }
        >
          {(all) => {
            const rows = shown(all);
            if (rows.length === 0) {
              return (
                <Empty title="No invoices match these filters">
                  <Button
                    variant="secondary"
                    size="sm"
                    className="mt-2"
                    onClick={() => setFilters({ status: "", customer: "" })}
                  >
                    Clear status and customer
                  </Button>
                </Empty>
              );
            }
            return (
              <>
                <p className="px-4 pt-3 text-sm text-slate-600" aria-live="polite">
                  {rows.length === all.length ? `${all.length} invoices` : `${rows.length} of ${all.length} invoices`}
                </p>
                <Table>
                  <thead>
                    <tr>
                      <Th>Invoice</Th>
                      <Th>Customer</Th>
                      <Th>Period</Th>
                      <Th>Status</Th>
                      <Th className="text-right">Amount</Th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((invoice) => (
                      <tr key={invoice.id}>
                        <Td>
                          <Link
                            to={`/invoices/${invoice.id}`}
                            aria-label={invoiceLinkLabel(invoice, names.customerName(invoice.customer_id))}
                            className="font-medium text-indigo-700 hover:underline"
                          >
                            {invoiceLinkText(invoice)}
                          </Link>
                        </Td>
                        <Td>{names.customerName(invoice.customer_id)}</Td>
                        <Td>{formatPeriod(invoice.period_start)}</Td>
                        <Td>
                          <InvoiceStatusBadge status={invoice.status} />
                        </Td>
                        <Td className="text-right tabular-nums">{formatMinor(invoice.subtotal_minor, invoice.currency)}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </>
            );
          }}
        </QueryView>
      </Card>
    </div>
  );
}
