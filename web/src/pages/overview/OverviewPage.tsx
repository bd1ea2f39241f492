// The first page after log-in: this period's usage and estimated bill, usage per day by SKU, the
// latest invoices and the usage BillBo cannot price. Every figure comes from the API as a decimal
// string or integer minor units and is formatted by lib/money.ts, never through a float.
import { useQuery } from "@tanstack/react-query";
import { CheckCircle2 } from "lucide-react";
import { type ReactNode, Suspense, lazy, useId } from "react";
import { Link } from "react-router";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys, useNames } from "@/api/queries";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { formatDate, formatPeriod } from "@/lib/dates";
import { formatMinor, formatQuantity } from "@/lib/money";
import { CostTotals } from "@/pages/usage/CostTotals";
import { useUnpriced, useUsage } from "@/pages/usage/queries";
import { UnpricedTable } from "@/pages/usage/UnpricedTable";
import { SkuLink } from "@/pages/usage/links";

// recharts is most of the JavaScript this page needs: its chunk is fetched as soon as this page
// loads, in parallel with the usage, and the rest of the page never waits for it.
const chart = import("./UsageChart");
const UsageChart = lazy(() => chart.then((module) => ({ default: module.UsageChart })));

type Names = ReturnType<typeof useNames>;

const link = "font-medium text-indigo-700 underline-offset-4 hover:underline";

/** A card that is a landmark named by its title, so it can be found (and skipped to) by name. */
function Section({
  title,
  description,
  actions,
  className,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <Card role="region" aria-labelledby={id} className={cn("min-w-0", className)}>
      <CardHeader title={<span id={id}>{title}</span>} description={description} actions={actions} />
      {children}
    </Card>
  );
}

function count(value: number): string {
  return value.toLocaleString();
}

function lastDay(isoEnd: string): string {
  // The window ends at the first instant of the next period: its last day is the day before.
  const end = new Date(isoEnd);
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

function EstimatedBill({ cost }: { cost: Schemas["EstimatedCost"] | null | undefined }) {
  return (
    <div className="space-y-2 border-t border-slate-200 pt-4">
      <h2 className="text-base font-semibold text-slate-900">Estimated bill</h2>
      {!cost ? (
        <p className="text-sm text-slate-700">No estimate available.</p>
      ) : (
        <>
          {cost.totals.length === 0 ? (
            <p className="text-sm text-slate-700">Nothing to bill yet: no priced usage this period.</p>
          ) : (
            <CostTotals totals={cost.totals} />
          )}
          {cost.note && <p className="text-sm text-slate-700">{cost.note}</p>}
          {cost.unpriced.length > 0 && (
            <p className="text-sm text-amber-900">
              Not included: {count(cost.unpriced.length)} customer and SKU {cost.unpriced.length === 1 ? "pair" : "pairs"} with
              usage that cannot be priced (see Unpriced usage).
            </p>
          )}
        </>
      )}
    </div>
  );
}

function CurrentPeriod({ names }: { names: Names }) {
  const usage = useUsage({ groupBy: ["sku"], includeCost: true });
  const data = usage.data;
  return (
    <Section
      title="Current period"
      description={data ? `${formatDate(data.sent_from)} to ${formatDate(lastDay(data.sent_to))} (UTC)` : undefined}
    >
      <CardBody className="space-y-4">
        <QueryView query={usage} label="Loading usage">
          {(data) => {
            const events = data.rows.reduce((sum, row) => sum + row.events, 0);
            return (
              <>
                <p className="text-lg font-semibold text-slate-900">{formatPeriod(data.sent_from)}</p>
                <dl className="grid grid-cols-2 gap-3 text-sm">
                  <div>
                    <dt className="text-slate-700">Events</dt>
                    <dd className="text-2xl font-semibold tabular-nums text-slate-900">{count(events)}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-700">SKUs with usage</dt>
                    <dd className="text-2xl font-semibold tabular-nums text-slate-900">{count(data.rows.length)}</dd>
                  </div>
                </dl>
                {data.rows.length === 0 ? (
                  <p className="text-sm text-slate-700">No events have arrived this period.</p>
                ) : (
                  <Table scrollLabel="Quantity this period">
                    <caption className="sr-only">Quantity per SKU this period</caption>
                    <thead>
                      <tr>
                        <Th>SKU</Th>
                        <Th className="text-right">Events</Th>
                        <Th className="text-right">Quantity</Th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.rows.map((row) => {
                        const id = row.sku_id ?? "";
                        return (
                          <tr key={id}>
                            <Td>
                              <SkuLink id={id} names={names} />
                            </Td>
                            <Td className="text-right tabular-nums">{count(row.events)}</Td>
                            <Td className="text-right tabular-nums">
                              {formatQuantity(row.quantity)} {names.sku(id)?.unit ?? ""}
                            </Td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </Table>
                )}
                <EstimatedBill cost={data.estimated_cost} />
              </>
            );
          }}
        </QueryView>
      </CardBody>
    </Section>
  );
}

function UsageBySku({ names }: { names: Names }) {
  const usage = useUsage({ groupBy: ["day", "sku"] });
  let body: ReactNode;
  if (usage.isPending) body = <Loading label="Loading usage" />;
  else if (usage.isError) body = <ErrorState error={usage.error} retry={() => void usage.refetch()} />;
  else if (usage.data.rows.length === 0)
    body = (
      <Empty title="No usage yet this period">
        Send your first events to see them here.{" "}
        <Link className={link} to="/get-started">
          Get started
        </Link>
      </Empty>
    );
  else
    body = (
      <Suspense fallback={<Loading label="Loading the chart" />}>
        <UsageChart rows={usage.data.rows} names={names} />
      </Suspense>
    );
  return (
    <Section title="Usage by SKU" description="Quantity per day this period, one line per SKU" className="lg:col-span-2">
      <CardBody>{body}</CardBody>
    </Section>
  );
}

const STATUS_TONE: Record<string, "info" | "good" | "neutral"> = { draft: "info", finalized: "good" };

function statusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

function newestFirst(a: Schemas["Invoice"], b: Schemas["Invoice"]): number {
  if (a.period_start !== b.period_start) return a.period_start < b.period_start ? 1 : -1;
  return (b.finalized_at ?? "9999").localeCompare(a.finalized_at ?? "9999");
}

function LastInvoices({ names }: { names: Names }) {
  const invoices = useQuery({
    queryKey: keys.invoices(),
    queryFn: async () => unwrap(await api.GET("/api/invoices")),
  });
  return (
    <Section
      title="Last invoices"
      actions={
        <Link className={`${link} text-sm`} to="/invoices">
          All invoices
        </Link>
      }
    >
      <QueryView
        query={invoices}
        label="Loading invoices"
        isEmpty={(list) => list.length === 0}
        empty={<Empty title="No invoices yet">Draft invoices appear once usage has been rated.</Empty>}
      >
        {(list) => (
          <ul className="divide-y divide-slate-100">
            {[...list]
              .sort(newestFirst)
              .slice(0, 5)
              .map((invoice) => (
                <li key={invoice.id} className="flex items-start justify-between gap-3 px-4 py-3 sm:px-5">
                  <div className="min-w-0">
                    <Link className={cn(link, "break-words")} to={`/invoices/${invoice.id}`}>
                      {names.customerName(invoice.customer_id)}, {formatPeriod(invoice.period_start)}
                    </Link>
                    <p className="text-sm text-slate-700">{invoice.number != null ? `Invoice #${invoice.number}` : "No number yet"}</p>
                  </div>
                  <div className="flex shrink-0 flex-col items-end gap-1">
                    <span className="font-medium tabular-nums text-slate-900">{formatMinor(invoice.subtotal_minor, invoice.currency)}</span>
                    <Badge tone={STATUS_TONE[invoice.status] ?? "neutral"}>{statusLabel(invoice.status)}</Badge>
                  </div>
                </li>
              ))}
          </ul>
        )}
      </QueryView>
    </Section>
  );
}

function UnpricedUsage({ names }: { names: Names }) {
  const unpriced = useUnpriced();
  return (
    <Section title="Unpriced usage" description="Usage this period that cannot be billed yet, and why" className="lg:col-span-2">
      <QueryView
        query={unpriced}
        label="Loading unpriced usage"
        isEmpty={(data) => data.rows.length === 0}
        empty={
          <p className="flex items-center gap-2 px-4 py-6 text-sm text-slate-800 sm:px-5">
            <CheckCircle2 className="h-5 w-5 text-emerald-700" aria-hidden />
            All usage is priced
          </p>
        }
      >
        {(data) => <UnpricedTable rows={data.rows} names={names} />}
      </QueryView>
    </Section>
  );
}

export default function OverviewPage() {
  const names = useNames();
  return (
    <>
      <PageHeader title="Overview" description="This period's usage and what it will cost, as events arrive." />
      <div className="grid gap-6 lg:grid-cols-2">
        <CurrentPeriod names={names} />
        <LastInvoices names={names} />
        <UsageBySku names={names} />
        <UnpricedUsage names={names} />
      </div>
    </>
  );
}
