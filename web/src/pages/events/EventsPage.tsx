// The events explorer: every stored event, newest first, filtered by customer, SKU and a window of
// sent_at (kept in the URL, so a filtered view can be shared), paged by the API's keyset cursor,
// with a live tail that polls the first page and marks what arrived since it was turned on.
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Radio } from "lucide-react";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys, useCustomers, useNames, useSkus } from "@/api/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { formatDateTime, localInputToIso } from "@/lib/dates";
import { formatQuantity } from "@/lib/money";
import { CustomerLink, SkuLink } from "@/pages/usage/links";

type EventQuery = { customer_id?: string; sku_id?: string; from?: string; to?: string };

const FILTERS = ["customer_id", "sku_id", "from", "to"] as const;
type FilterName = (typeof FILTERS)[number];

const link = "font-medium text-indigo-700 underline-offset-4 hover:underline";

/** The API's query for the filters in the URL (datetime-local values, read as UTC). */
function toQuery(params: URLSearchParams): EventQuery {
  const query: EventQuery = {};
  const customer = params.get("customer_id");
  const sku = params.get("sku_id");
  const from = localInputToIso(params.get("from") ?? "");
  const to = localInputToIso(params.get("to") ?? "");
  if (customer) query.customer_id = customer;
  if (sku) query.sku_id = sku;
  if (from) query.from = from;
  if (to) query.to = to;
  return query;
}

function fetchPage(query: EventQuery, cursor: string | undefined, limit: number) {
  return async (): Promise<Schemas["EventPage"]> =>
    unwrap(await api.GET("/api/events", { params: { query: { ...query, cursor, limit } } }));
}

interface Paging {
  /** The filters these cursors belong to: other filters start again at the first page. */
  key: string;
  /** The cursor of each page after the first, in the order they were opened. */
  cursors: string[];
}

interface Tail {
  key: string;
  /** The events on the first page when the tail was turned on (null until it has been read). */
  baseline: Set<string> | null;
}

export default function EventsPage({ liveInterval = 2000, pageSize = 50 }: { liveInterval?: number; pageSize?: number }) {
  const [params, setParams] = useSearchParams();
  const client = useQueryClient();
  const names = useNames();
  const customers = useCustomers("", true);
  const skus = useSkus(true);

  const value = (name: FilterName) => params.get(name) ?? "";
  const query = toQuery(params);
  const { from, to } = query;
  const filterKey = JSON.stringify(query);
  const filtered = Object.keys(query).length > 0;
  const windowError = from && to && to <= from ? "To must be after From." : undefined;

  const [paging, setPaging] = useState<Paging>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const cursor = cursors.at(-1);
  const [tail, setTail] = useState<Tail | null>(null);
  const live = tail !== null;

  const pageKey = (q: EventQuery, at?: string) => keys.events({ ...q, cursor: at ?? null, limit: pageSize });
  const page = useQuery({
    queryKey: pageKey(query, cursor),
    queryFn: fetchPage(query, cursor, pageSize),
    placeholderData: keepPreviousData,
    enabled: !windowError,
    refetchInterval: live ? liveInterval : false,
  });

  /** Remembers what the first page holds now: rows not in it are new. */
  function startTail(q: EventQuery) {
    const key = JSON.stringify(q);
    setTail({ key, baseline: null });
    void client
      .fetchQuery({ queryKey: pageKey(q), queryFn: fetchPage(q, undefined, pageSize), staleTime: 0 })
      .then((first) => {
        const baseline = new Set(first.events.map((event) => event.event_id));
        setTail((current) => (current && current.key === key ? { key, baseline } : current));
      })
      .catch(() => setTail((current) => (current && current.key === key ? { key, baseline: new Set() } : current)));
  }

  function toggleLive() {
    if (live) {
      setTail(null);
      return;
    }
    setPaging({ key: filterKey, cursors: [] });
    if (!cursor && page.data && !page.isPlaceholderData) {
      // Already on the first page: what is on screen now is what "new" is measured against.
      setTail({ key: filterKey, baseline: new Set(page.data.events.map((event) => event.event_id)) });
    } else {
      startTail(query);
    }
  }

  function setFilter(name: FilterName, next: string) {
    const updated = new URLSearchParams(params);
    if (next) updated.set(name, next);
    else updated.delete(name);
    setParams(updated, { replace: true });
    if (live) startTail(toQuery(updated));
  }

  function clearFilters() {
    const updated = new URLSearchParams(params);
    for (const name of FILTERS) updated.delete(name);
    setParams(updated, { replace: true });
    if (live) startTail({});
  }

  // While the tail is on, the rows of the first page that were not there when it started.
  const showingFirstPage = !cursor && !page.isPlaceholderData;
  const baseline = tail && tail.key === filterKey && showingFirstPage ? tail.baseline : null;
  const fresh = new Set(
    baseline && page.data ? page.data.events.filter((event) => !baseline.has(event.event_id)).map((e) => e.event_id) : [],
  );

  const customerOptions = [...(customers.data?.customers ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const skuOptions = [...(skus.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const selectedCustomer = value("customer_id");
  const selectedSku = value("sku_id");

  return (
    <>
      <PageHeader
        title="Events"
        description="Every event BillBo has stored, newest first. Each event appears once, however often it was sent."
        actions={
          <Button variant={live ? "primary" : "secondary"} aria-pressed={live} onClick={toggleLive}>
            <Radio className="h-4 w-4" aria-hidden />
            Live tail
          </Button>
        }
      />
      <Card className="mb-4">
        <CardBody>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Field label="Customer">
              <Select value={selectedCustomer} onChange={(e) => setFilter("customer_id", e.target.value)}>
                <option value="">All customers</option>
                {selectedCustomer && !customerOptions.some((c) => c.id === selectedCustomer) && (
                  <option value={selectedCustomer}>{selectedCustomer}</option>
                )}
                {customerOptions.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="SKU">
              <Select value={selectedSku} onChange={(e) => setFilter("sku_id", e.target.value)}>
                <option value="">All SKUs</option>
                {selectedSku && !skuOptions.some((s) => s.id === selectedSku) && <option value={selectedSku}>{selectedSku}</option>}
                {skuOptions.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="From" hint="Sent at or after, UTC">
              <Input type="datetime-local" value={value("from")} onChange={(e) => setFilter("from", e.target.value)} />
            </Field>
            <Field label="To" hint="Sent before, UTC" error={windowError}>
              <Input type="datetime-local" value={value("to")} onChange={(e) => setFilter("to", e.target.value)} />
            </Field>
          </div>
          {filtered && (
            <Button variant="link" size="sm" className="mt-3" onClick={clearFilters}>
              Clear filters
            </Button>
          )}
        </CardBody>
      </Card>

      <p role="status" className="mb-3 min-h-5 text-sm font-medium text-indigo-800">
        {live ? `Live: ${fresh.size} new ${fresh.size === 1 ? "event" : "events"}` : ""}
      </p>

      <Card>
        {windowError ? (
          <Empty title="No events match these filters">Choose a To after From.</Empty>
        ) : page.isPending ? (
          <Loading label="Loading events" />
        ) : page.isError ? (
          <ErrorState error={page.error} retry={() => void page.refetch()} />
        ) : page.data.events.length === 0 ? (
          <Empty title="No events match these filters">
            {filtered || cursor ? (
              "Try a wider window or another customer or SKU."
            ) : (
              <>
                No events have arrived yet.{" "}
                <Link className={link} to="/get-started">
                  Get started
                </Link>{" "}
                to send your first.
              </>
            )}
          </Empty>
        ) : (
          <>
            <Table aria-busy={page.isFetching && page.isPlaceholderData} className={cn(page.isPlaceholderData && "opacity-60")}>
              <caption className="sr-only">Events, newest first</caption>
              <thead>
                <tr>
                  <Th>Sent at</Th>
                  <Th>Event ID</Th>
                  <Th>Customer</Th>
                  <Th>SKU</Th>
                  <Th className="text-right">Amount</Th>
                  <Th>Ingested at</Th>
                </tr>
              </thead>
              <tbody>
                {page.data.events.map((event) => {
                  const isNew = fresh.has(event.event_id);
                  return (
                    <tr key={event.event_id} data-new={isNew || undefined} className={cn(isNew && "bg-amber-50")}>
                      <Td className="whitespace-nowrap">{formatDateTime(event.sent_at)}</Td>
                      <Td>
                        <span className="flex items-center gap-2">
                          <Link className={cn(link, "break-all font-mono text-xs")} to={`/events/${encodeURIComponent(event.event_id)}`}>
                            {event.event_id}
                          </Link>
                          {isNew && <Badge tone="warn">New</Badge>}
                        </span>
                      </Td>
                      <Td>
                        <CustomerLink id={event.customer_id} names={names} />
                      </Td>
                      <Td>
                        <SkuLink id={event.sku_id} names={names} />
                      </Td>
                      <Td className="text-right tabular-nums">
                        {formatQuantity(event.amount)} {names.sku(event.sku_id)?.unit ?? ""}
                      </Td>
                      <Td className="whitespace-nowrap">{formatDateTime(event.ingested_at)}</Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
            <div className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-5">
              <p className="text-sm text-slate-700">
                {cursors.length === 0 ? "Newest events" : `Page ${cursors.length + 1}`}
                {live && " · polling every " + Math.round(liveInterval / 100) / 10 + " s"}
              </p>
              <div className="flex gap-2">
                {cursors.length > 0 && (
                  <Button variant="secondary" size="sm" onClick={() => setPaging({ key: filterKey, cursors: cursors.slice(0, -1) })}>
                    Previous page
                  </Button>
                )}
                {page.data.next_cursor && (
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={page.isPlaceholderData}
                    disabledReason={live ? "Turn off Live tail to page through older events." : undefined}
                    onClick={() => {
                      const next = page.data.next_cursor;
                      if (next) setPaging({ key: filterKey, cursors: [...cursors, next] });
                    }}
                  >
                    Next page
                  </Button>
                )}
              </div>
            </div>
          </>
        )}
      </Card>
    </>
  );
}
