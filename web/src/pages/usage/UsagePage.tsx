// Live usage over any window, grouped and filtered, with its estimated cost at today's prices; and
// the usage BillBo has rated for a period (what invoices are built from).
import { type ReactNode, useState } from "react";
import type { Schemas } from "@/api/client";
import { useCustomers, useNames, useSkus } from "@/api/queries";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { currentPeriod, formatDate, formatPeriod, periodBounds } from "@/lib/dates";
import { formatMinor, formatQuantity } from "@/lib/money";
import { CostTotals } from "./CostTotals";
import { UnpricedTable } from "./UnpricedTable";
import { modelText } from "./labels";
import { CustomerLink, SkuLink } from "./links";
import { type GroupBy, useRatedUsage, useUsage } from "./queries";

type Names = ReturnType<typeof useNames>;

// One select rather than three checkboxes: every combination the API takes, in its column order.
const GROUPINGS: { value: string; label: string; groups: GroupBy[] }[] = [
  { value: "day", label: "Day", groups: ["day"] },
  { value: "customer", label: "Customer", groups: ["customer"] },
  { value: "sku", label: "SKU", groups: ["sku"] },
  { value: "day,customer", label: "Day and customer", groups: ["day", "customer"] },
  { value: "day,sku", label: "Day and SKU", groups: ["day", "sku"] },
  { value: "customer,sku", label: "Customer and SKU", groups: ["customer", "sku"] },
  { value: "day,customer,sku", label: "Day, customer and SKU", groups: ["day", "customer", "sku"] },
];

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The current period and the eleven before it, newest first, as YYYY-MM. */
function lastTwelveMonths(period: string): string[] {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, back) => new Date(Date.UTC(year, month - 1 - back, 1)).toISOString().slice(0, 7));
}

function UsageRows({ usage, names }: { usage: Schemas["Usage"]; names: Names }) {
  const groups = usage.group_by;
  const bySku = groups.includes("sku");
  return (
    <Table scrollLabel="Usage rows">
      <caption className="sr-only">Usage per {groups.join(", ")}</caption>
      <thead>
        <tr>
          {groups.includes("day") && <Th>Day</Th>}
          {groups.includes("customer") && <Th>Customer</Th>}
          {bySku && <Th>SKU</Th>}
          <Th className="text-right">Events</Th>
          <Th className="text-right">Quantity</Th>
        </tr>
      </thead>
      <tbody>
        {usage.rows.map((row) => (
          <tr key={`${row.day ?? ""} ${row.customer_id ?? ""} ${row.sku_id ?? ""}`}>
            {groups.includes("day") && <Td className="whitespace-nowrap">{formatDate(row.day)}</Td>}
            {groups.includes("customer") && <Td>{row.customer_id ? <CustomerLink id={row.customer_id} names={names} /> : "—"}</Td>}
            {bySku && <Td>{row.sku_id ? <SkuLink id={row.sku_id} names={names} /> : "—"}</Td>}
            <Td className="text-right tabular-nums">{row.events.toLocaleString()}</Td>
            <Td className="text-right tabular-nums">
              {formatQuantity(row.quantity)} {bySku && row.sku_id ? (names.sku(row.sku_id)?.unit ?? "") : ""}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function EstimatedCost({ cost, names }: { cost: Schemas["EstimatedCost"]; names: Names }) {
  return (
    <Card className="mt-6">
      <CardHeader title="Estimated cost" description={cost.note} />
      <CardBody className="space-y-4">
        {cost.totals.length === 0 ? (
          <p className="text-sm text-slate-700">No priced usage in this window.</p>
        ) : (
          <CostTotals totals={cost.totals} />
        )}
      </CardBody>
      {cost.unpriced.length > 0 && (
        <>
          <p className="border-t border-slate-200 px-4 pt-4 text-sm font-medium text-amber-900 sm:px-5">
            Not in the estimate: usage that cannot be priced
          </p>
          <UnpricedTable rows={cost.unpriced} names={names} />
        </>
      )}
    </Card>
  );
}

function RatedUsage({ names, period: initial }: { names: Names; period: string }) {
  const [period, setPeriod] = useState(initial);
  const periods = lastTwelveMonths(initial);
  const rated = useRatedUsage(period);
  return (
    <Card className="mt-6">
      <CardHeader
        title="Rated usage"
        description="Each customer's usage of each SKU in a period, rated at the price version in force: what invoices are made of."
      />
      <CardBody>
        <Field label="Period" className="max-w-xs">
          <Select value={period} onChange={(e) => setPeriod(e.target.value)}>
            {periods.map((p) => (
              <option key={p} value={p}>
                {formatPeriod(p)}
              </option>
            ))}
          </Select>
        </Field>
      </CardBody>
      <QueryView
        query={rated}
        label="Loading rated usage"
        isEmpty={(rows) => rows.length === 0}
        empty={
          <Empty title={`No rated usage for ${formatPeriod(period)}`}>
            Usage is rated by BillBo's daily pipeline once it has been loaded for the period.
          </Empty>
        }
      >
        {(rows) => (
          <Table scrollLabel="Rated usage rows">
            <caption className="sr-only">Rated usage of {formatPeriod(period)}</caption>
            <thead>
              <tr>
                <Th>Customer</Th>
                <Th>SKU</Th>
                <Th className="text-right">Quantity</Th>
                <Th className="text-right">Events</Th>
                <Th>Price version</Th>
                <Th>Model</Th>
                <Th className="text-right">Amount</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.customer_id} ${row.sku_id} ${row.price_version_id}`}>
                  <Td className="whitespace-nowrap">
                    <CustomerLink id={row.customer_id} names={names} />
                  </Td>
                  <Td className="whitespace-nowrap">
                    <SkuLink id={row.sku_id} names={names} />
                  </Td>
                  <Td className="text-right tabular-nums">
                    {formatQuantity(row.quantity)} {names.sku(row.sku_id)?.unit ?? ""}
                  </Td>
                  <Td className="text-right tabular-nums">{row.event_count.toLocaleString()}</Td>
                  <Td>v{row.price_version}</Td>
                  <Td>{modelText(row.pricing_model)}</Td>
                  <Td className="text-right tabular-nums">{formatMinor(row.amount_minor, row.currency)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryView>
    </Card>
  );
}

export default function UsagePage() {
  const names = useNames();
  const customers = useCustomers("", true);
  const skus = useSkus(true);
  const [period] = useState(() => currentPeriod());
  const bounds = periodBounds(period);
  const [from, setFrom] = useState(bounds.from.slice(0, 10));
  const [to, setTo] = useState(addDays(bounds.to.slice(0, 10), -1));
  const [grouping, setGrouping] = useState("day");
  const [customerId, setCustomerId] = useState("");
  const [skuId, setSkuId] = useState("");
  const [includeCost, setIncludeCost] = useState(false);

  const windowError = from && to && to < from ? "To must be on or after From." : undefined;
  const groups = GROUPINGS.find((g) => g.value === grouping)?.groups ?? ["day"];
  const usage = useUsage(
    {
      // Whole days in UTC: From at its first instant, up to and including the day To.
      from: from ? `${from}T00:00:00Z` : undefined,
      to: to ? `${addDays(to, 1)}T00:00:00Z` : undefined,
      groupBy: groups,
      customerId: customerId || undefined,
      skuId: skuId || undefined,
      includeCost,
    },
    !windowError,
  );

  const customerOptions = [...(customers.data?.customers ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const skuOptions = [...(skus.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  let results: ReactNode;
  if (windowError) results = <Empty title="Choose a window">{windowError}</Empty>;
  else if (usage.isPending) results = <Loading label="Loading usage" />;
  else if (usage.isError) results = <ErrorState error={usage.error} retry={() => void usage.refetch()} />;
  else if (usage.data.rows.length === 0)
    results = <Empty title="No usage in this window">No events were sent between these days for these filters.</Empty>;
  else
    results = (
      <div aria-busy={usage.isPlaceholderData} className={cn(usage.isPlaceholderData && "opacity-60")}>
        <UsageRows usage={usage.data} names={names} />
      </div>
    );

  return (
    <>
      <PageHeader title="Usage" description="Live usage as events arrive, over any window (UTC days), with what it would cost at today's prices." />
      <Card>
        <CardBody>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <Field label="From" hint="First day, UTC">
              <Input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </Field>
            <Field label="To" hint="Last day, included, UTC" error={windowError}>
              <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
            <Field label="Group by" hint={groups.includes("sku") ? undefined : "SKUs together: quantities of different SKUs are added up."}>
              <Select value={grouping} onChange={(e) => setGrouping(e.target.value)}>
                {GROUPINGS.map((g) => (
                  <option key={g.value} value={g.value}>
                    {g.label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Customer">
              <Select value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
                <option value="">All</option>
                {customerOptions.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="SKU">
              <Select value={skuId} onChange={(e) => setSkuId(e.target.value)}>
                <option value="">All</option>
                {skuOptions.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </Select>
            </Field>
            <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium text-slate-800">
              <input
                type="checkbox"
                className="h-4 w-4 rounded border-slate-400 accent-indigo-600"
                checked={includeCost}
                onChange={(e) => setIncludeCost(e.target.checked)}
              />
              Include estimated cost
            </label>
          </div>
        </CardBody>
      </Card>
      <Card className="mt-6">
        <CardHeader
          title="Usage in this window"
          description={usage.data ? `${formatDate(usage.data.sent_from)} to ${formatDate(addDays(usage.data.sent_to.slice(0, 10), -1))} (UTC)` : undefined}
        />
        {results}
      </Card>
      {includeCost && !windowError && usage.data?.estimated_cost && !usage.isPlaceholderData && (
        <EstimatedCost cost={usage.data.estimated_cost} names={names} />
      )}
      <RatedUsage names={names} period={period} />
    </>
  );
}
