// One stored event, every field of it, with the way to its customer and its SKU.
import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { type Schemas, api } from "@/api/client";
import { ApiError, unwrap } from "@/api/errors";
import { keys, useNames } from "@/api/queries";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/ui/page";
import { Empty, ErrorState, Loading } from "@/components/ui/states";
import { formatDateTime } from "@/lib/dates";
import { formatQuantity } from "@/lib/money";

const link = "font-medium text-indigo-700 underline-offset-4 hover:underline";

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 py-3 sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-700">{term}</dt>
      <dd className="min-w-0 text-sm text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}

function Timestamp({ iso }: { iso: string }) {
  return (
    <>
      <time dateTime={iso}>{formatDateTime(iso)}</time>
      <span className="block font-mono text-xs text-slate-700">{iso}</span>
    </>
  );
}

/** The event as a page of the explorer holds it, if one in the cache does. */
function fromExplorer(client: QueryClient, eventId: string): Schemas["Event"] | undefined {
  for (const [, data] of client.getQueriesData<unknown>({ queryKey: ["events"] })) {
    const events = (data as Partial<Schemas["EventPage"]> | undefined)?.events;
    const found = Array.isArray(events) ? events.find((e) => e.event_id === eventId) : undefined;
    if (found) return found;
  }
  return undefined;
}

export default function EventDetailPage() {
  const { eventId = "" } = useParams();
  const names = useNames();
  const event = useQuery({
    queryKey: keys.event(eventId),
    queryFn: async () => unwrap(await api.GET("/api/events/{event_id}", { params: { path: { event_id: eventId } } })),
  });
  // 404: no such event; 422: an id no event can have (it breaks the event id rule).
  const missing = event.error instanceof ApiError && (event.error.status === 404 || event.error.status === 422);
  // The API cannot route an ID with "/" in it (GET /api/events/{event_id} answers 404 for an
  // encoded slash): an event opened from the explorer is then shown as the list gave it.
  const client = useQueryClient();
  const listed = missing ? fromExplorer(client, eventId) : undefined;

  let body: ReactNode;
  if (event.isPending) body = <Loading label="Loading the event" />;
  else if (missing && !listed)
    body = (
      <Empty title="No event with this ID">
        <p>
          BillBo has no event <span className="break-all font-mono">{eventId}</span> for your organisation.{" "}
          <Link className={link} to="/events">
            Back to Events
          </Link>
        </p>
      </Empty>
    );
  else if (event.isError && !listed) body = <ErrorState error={event.error} retry={() => void event.refetch()} />;
  else {
    const e = event.data ?? listed;
    if (!e) return null;
    const sku = names.sku(e.sku_id);
    body = (
      <>
        <CardHeader
          title="Event"
          description={
            listed
              ? "As the events list shows it: the API could not look this ID up on its own (IDs with “/” cannot be read one by one yet)."
              : "As stored: the first copy BillBo received of this event ID."
          }
        />
        <CardBody>
          <dl className="divide-y divide-slate-100">
            <Item term="Event ID">
              <span className="flex flex-wrap items-center gap-2">
                <span className="break-all font-mono">{e.event_id}</span>
                <CopyButton value={e.event_id} label="Copy the event ID" />
              </span>
            </Item>
            <Item term="Customer">
              <Link className={link} to={`/customers/${e.customer_id}`}>
                {names.customerName(e.customer_id)}
              </Link>
              <span className="block font-mono text-xs text-slate-700">{e.customer_id}</span>
            </Item>
            <Item term="SKU">
              <Link className={link} to={`/skus/${e.sku_id}`}>
                {names.skuName(e.sku_id)}
              </Link>
              <span className="block font-mono text-xs text-slate-700">{e.sku_id}</span>
            </Item>
            <Item term="Amount">
              <span className="tabular-nums">
                {formatQuantity(e.amount)} {sku?.unit ?? ""}
              </span>
              <span className="block font-mono text-xs text-slate-700">{e.amount}</span>
            </Item>
            <Item term="Sent at">
              <Timestamp iso={e.sent_at} />
            </Item>
            <Item term="Ingested at">
              <Timestamp iso={e.ingested_at} />
            </Item>
          </dl>
        </CardBody>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={<span className="break-all">Event {eventId}</span>}
        actions={
          <Link className={link} to="/events">
            All events
          </Link>
        }
      />
      <Card>{body}</Card>
    </>
  );
}
