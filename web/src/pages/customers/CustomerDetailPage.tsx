import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Archive, Pencil } from "lucide-react";
import { type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys, useNames } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime, formatPeriod } from "@/lib/dates";
import { formatMinor, formatQuantity } from "@/lib/money";
import { InvoiceStatusBadge } from "../invoices/InvoiceBadges";
import { invoiceLinkLabel, invoiceLinkText } from "../invoices/invoice-text";
import { useInvoices } from "../invoices/queries";
import { CustomerFormDialog } from "./CustomerFormDialog";
import { useCustomer, useCustomerUsage } from "./queries";

type Customer = Schemas["Customer"];

export default function CustomerDetailPage() {
  const { customerId = "" } = useParams();
  const customer = useCustomer(customerId);
  if (customer.isPending || customer.isError) {
    return (
      <div>
        <PageHeader title="Customer" />
        {customer.isPending ? (
          <Loading label="Loading the customer" />
        ) : (
          <ErrorState error={customer.error} retry={() => void customer.refetch()} />
        )}
      </div>
    );
  }
  return <CustomerView customer={customer.data} />;
}

function Term({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={className}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function CustomerView({ customer }: { customer: Customer }) {
  const { denied } = useSession();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const readOnly = denied("writeCatalog");
  const archived = Boolean(customer.archived_at);
  const archive = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/customers/{customer_id}/archive", { params: { path: { customer_id: customer.id } } })),
    onSuccess: (saved) => {
      client.setQueryData(keys.customer(saved.id), saved);
      void client.invalidateQueries({ queryKey: ["customers"] });
      setArchiving(false);
    },
  });
  const metadata = Object.entries(customer.metadata ?? {});

  return (
    <div>
      <PageHeader
        title={customer.name}
        description={
          <>
            Customer since {formatDateTime(customer.created_at)}
            {archived && (
              <>
                {" "}
                <Badge>Archived</Badge>
              </>
            )}
          </>
        }
        actions={
          <>
            <Button variant="secondary" onClick={() => setEditing(true)} disabledReason={readOnly}>
              <Pencil className="h-4 w-4" aria-hidden />
              Edit customer
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                archive.reset();
                setArchiving(true);
              }}
              disabledReason={readOnly ?? (archived ? "This customer is archived." : undefined)}
            >
              <Archive className="h-4 w-4" aria-hidden />
              Archive customer
            </Button>
          </>
        }
      />
      {readOnly && <p className="-mt-4 mb-4 text-sm text-slate-600">{readOnly}</p>}

      <Card className="mb-6">
        <CardHeader title="Details" />
        <CardBody>
          <dl className="grid gap-4 sm:grid-cols-3">
            <Term label="ID" className="sm:col-span-3">
              <span className="flex flex-wrap items-center gap-2">
                <code className="break-all font-mono text-xs">{customer.id}</code>
                <CopyButton value={customer.id} label="Copy ID" />
              </span>
            </Term>
            <Term label="Currency">{customer.currency}</Term>
            <Term label="Email">{customer.email ?? "—"}</Term>
            <Term label="Updated">{formatDateTime(customer.updated_at)}</Term>
            {archived && <Term label="Archived">{formatDateTime(customer.archived_at)}</Term>}
            <Term label="Metadata" className="sm:col-span-3">
              {metadata.length === 0 ? (
                "None"
              ) : (
                <span className="mt-1 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
                  {metadata.map(([key, value]) => (
                    <span key={key} className="contents">
                      <span className="font-mono text-xs text-slate-700">{key}</span>
                      <span className="break-all font-mono text-xs">{JSON.stringify(value)}</span>
                    </span>
                  ))}
                </span>
              )}
            </Term>
          </dl>
        </CardBody>
      </Card>

      <UsageCard customerId={customer.id} />
      <InvoicesCard customer={customer} />

      <CustomerFormDialog open={editing} onOpenChange={setEditing} customer={customer} />
      <ConfirmDialog
        open={archiving}
        onOpenChange={setArchiving}
        title="Archive this customer?"
        description={`${customer.name} leaves the customer list (tick “Show archived” to see it again). Its usage and invoices are kept.`}
        confirmLabel="Archive"
        pendingLabel="Archiving…"
        onConfirm={() => archive.mutate()}
        pending={archive.isPending}
        error={archive.error}
      />
    </div>
  );
}

function UsageCard({ customerId }: { customerId: string }) {
  const usage = useCustomerUsage(customerId);
  const names = useNames();
  return (
    <Card className="mb-6">
      <CardHeader
        title="Usage this period"
        description={
          usage.data
            ? `Live, from ${formatDateTime(usage.data.sent_from)} to ${formatDateTime(usage.data.sent_to)}.`
            : "Live usage of the current billing period."
        }
      />
      <QueryView
        query={usage}
        label="Loading usage"
        isEmpty={(data) => data.rows.length === 0}
        empty={<Empty title="No usage this period">No events for this customer since the period began.</Empty>}
      >
        {(data) => {
          const cost = data.estimated_cost;
          return (
            <>
              <Table scrollLabel="Usage per SKU">
                <thead>
                  <tr>
                    <Th>SKU</Th>
                    <Th className="text-right">Quantity</Th>
                    <Th className="text-right">Events</Th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((row) => (
                    <tr key={row.sku_id ?? "none"}>
                      <Td>{row.sku_id ? names.skuName(row.sku_id) : "—"}</Td>
                      <Td className="text-right tabular-nums">{formatQuantity(row.quantity)}</Td>
                      <Td className="text-right tabular-nums">{row.events.toLocaleString()}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              {cost && (
                <div className="space-y-1 px-4 py-3 text-sm sm:px-5">
                  <p className="text-slate-900">
                    <span className="font-medium">Estimated cost: </span>
                    {cost.totals.length === 0
                      ? "nothing priced yet"
                      : cost.totals.map((total) => formatMinor(total.amount_minor, total.currency)).join(" + ")}
                  </p>
                  {cost.unpriced.length > 0 && (
                    <p className="text-amber-900">
                      Not priced:{" "}
                      {cost.unpriced
                        .map((item) => `${names.skuName(item.sku_id)} (${item.reasons.map((r) => r.replaceAll("_", " ")).join(", ")})`)
                        .join("; ")}
                      .
                    </p>
                  )}
                  {cost.note && <p className="text-xs text-slate-600">{cost.note}</p>}
                </div>
              )}
            </>
          );
        }}
      </QueryView>
    </Card>
  );
}

function InvoicesCard({ customer }: { customer: Customer }) {
  const invoices = useInvoices();
  return (
    <Card>
      <CardHeader
        title="Invoices"
        description="Every period's invoice of this customer, newest first."
        actions={
          <Link to={`/invoices?customer=${customer.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Open in Invoices
          </Link>
        }
      />
      <QueryView
        query={invoices}
        label="Loading invoices"
        isEmpty={(all) => !all.some((invoice) => invoice.customer_id === customer.id)}
        empty={<Empty title="No invoices yet">Invoices appear once this customer&apos;s usage has been rated.</Empty>}
      >
        {(all) => (
          <Table>
            <thead>
              <tr>
                <Th>Invoice</Th>
                <Th>Period</Th>
                <Th>Status</Th>
                <Th className="text-right">Amount</Th>
              </tr>
            </thead>
            <tbody>
              {all
                .filter((invoice) => invoice.customer_id === customer.id)
                .map((invoice) => (
                  <tr key={invoice.id}>
                    <Td>
                      <Link
                        to={`/invoices/${invoice.id}`}
                        aria-label={invoiceLinkLabel(invoice, customer.name)}
                        className="font-medium text-indigo-700 hover:underline"
                      >
                        {invoiceLinkText(invoice)}
                      </Link>
                    </Td>
                    <Td>{formatPeriod(invoice.period_start)}</Td>
                    <Td>
                      <InvoiceStatusBadge status={invoice.status} />
                    </Td>
                    <Td className="text-right tabular-nums">{formatMinor(invoice.subtotal_minor, invoice.currency)}</Td>
                  </tr>
                ))}
            </tbody>
          </Table>
        )}
      </QueryView>
    </Card>
  );
}
