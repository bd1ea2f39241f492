// Get started: from a new account to the first event stored, in four steps. The key created here
// lives in this page's memory only (shown once, like on the API keys page); the curl command uses
// it, and the page polls the events until the first one has arrived.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, Loader2 } from "lucide-react";
import { type ReactNode, useState } from "react";
import { useForm } from "react-hook-form";
import { Link } from "react-router";
import { z } from "zod";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys, useCustomers, useSkus } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/copy-button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { ErrorState } from "@/components/ui/states";
import { formatDateTime } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";
import { formatQuantity } from "@/lib/money";
import { curlCommand, ingestUrl, newEventId, randomUuid, toSecond } from "./ingest";

const POLL_MS = 2000;
const KEY_PLACEHOLDER = "bb_...";

const schema = z.object({ name: z.string().trim().min(1, "Name the key.").max(200, "Use at most 200 characters.") });
type Values = z.infer<typeof schema>;

export default function GetStartedPage() {
  const [created, setCreated] = useState<Schemas["NewApiKey"] | null>(null);
  return (
    <>
      <PageHeader title="Get started" description="Send your first usage event to BillBo in a few minutes." />
      <ol className="space-y-4">
        <Step number={1} title="Create an API key">
          <CreateKeyStep created={created} onCreated={setCreated} />
        </Step>
        <Step number={2} title="Send your first event">
          <SendEventStep apiKey={created?.key} />
        </Step>
        <Step number={3} title="Watch it arrive">
          <WatchStep />
        </Step>
        <Step number={4} title="Set up pricing">
          <p className="text-sm text-slate-700">
            Events are priced by the SKU they name, for the customer they name. Create them to turn usage into invoices.
          </p>
          <div className="mt-3 flex flex-wrap gap-2">
            <Link to="/skus/new" className={buttonVariants({ variant: "secondary" })}>
              Create a SKU
            </Link>
            <Link to="/customers" className={buttonVariants({ variant: "secondary" })}>
              Add a customer
            </Link>
          </div>
        </Step>
      </ol>
    </>
  );
}

function Step({ number, title, children }: { number: number; title: string; children: ReactNode }) {
  return (
    <li>
      <Card>
        <CardBody className="flex gap-4">
          <span
            aria-hidden
            className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-sm font-semibold text-white"
          >
            {number}
          </span>
          <div className="min-w-0 flex-1">
            <h2 className="mb-2 text-base font-semibold text-slate-900">{title}</h2>
            {children}
          </div>
        </CardBody>
      </Card>
    </li>
  );
}

function CreateKeyStep({ created, onCreated }: { created: Schemas["NewApiKey"] | null; onCreated: (key: Schemas["NewApiKey"]) => void }) {
  const { denied } = useSession();
  const reason = denied("manageKeys");
  const client = useQueryClient();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "My first key" } });
  const create = useMutation({
    mutationFn: async (values: Values) => unwrap(await api.POST("/api/api-keys", { body: values })),
    onSuccess: (key) => {
      onCreated(key);
      void client.invalidateQueries({ queryKey: keys.apiKeys });
    },
    onError: (error) => applyApiErrors(error, form.setError, ["name"]),
  });
  const { errors } = form.formState;

  if (created) {
    return (
      <div className="space-y-3">
        <p className="text-sm text-slate-700">
          Created “{created.name}”. Your backend sends it as <code className="font-mono">Authorization: Bearer …</code>.
        </p>
        <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Copy this key now and keep it somewhere safe: it won’t be shown again. Lost it? Revoke it and create another on
          the <Link to="/api-keys" className="font-medium underline">API keys</Link> page.
        </p>
        <CodeBlock value={created.key} testId="new-api-key" />
      </div>
    );
  }
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">Your backend identifies itself to the ingest API with a key.</p>
      {reason && <p className="text-sm text-slate-700">Only admins and owners create API keys: {reason} Ask one of them for a key.</p>}
      <form className="flex flex-col gap-3 sm:flex-row sm:items-start" noValidate onSubmit={form.handleSubmit((values) => create.mutate(values))}>
        <Field label="Key name" error={errors.name?.message} className="min-w-0 flex-1 sm:max-w-sm">
          <Input autoComplete="off" disabled={Boolean(reason)} {...form.register("name")} />
        </Field>
        <Button type="submit" className="sm:mt-6" disabled={create.isPending} disabledReason={reason}>
          {create.isPending ? "Creating…" : "Create API key"}
        </Button>
      </form>
      <FormError message={errors.root?.server?.message} />
    </div>
  );
}

function SendEventStep({ apiKey }: { apiKey: string | undefined }) {
  const customers = useCustomers();
  const skus = useSkus();
  // Made once per visit: ids to fall back on, and the event's own id and time.
  const [fresh] = useState(() => ({ customerId: randomUuid(), skuId: randomUuid(), eventId: newEventId(), sentAt: new Date() }));

  // A priced SKU if there is one, and a customer in its currency if there is one.
  const skuList = skus.data ?? [];
  const sku = skuList.find((s) => s.current_price !== null) ?? skuList[0];
  const customerList = customers.data?.customers ?? [];
  const customer = customerList.find((c) => c.currency === sku?.currency) ?? customerList[0];

  const event = {
    event_id: fresh.eventId,
    customer_id: customer?.id ?? fresh.customerId,
    sku_id: sku?.id ?? fresh.skuId,
    amount: "1",
    sent_at: toSecond(fresh.sentAt),
  };
  const command = curlCommand(ingestUrl(), apiKey ?? KEY_PLACEHOLDER, event);
  const loading = customers.isPending || skus.isPending;

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        Run this from a terminal: it sends one event of amount 1
        {apiKey ? " with the key you just created." : `. Create a key in step 1 to put it in place of ${KEY_PLACEHOLDER}.`}
      </p>
      <CodeBlock value={command} label="Copy command" testId="curl-command" />
      <div className="space-y-1 text-sm text-slate-700">
        {loading ? (
          <p>Looking for a customer and a SKU of yours to use…</p>
        ) : (
          <>
            <p>
              Customer:{" "}
              {customer ? (
                <>
                  {customer.name} <span className="font-mono text-xs">({customer.id})</span>
                </>
              ) : (
                "a new random id (you have no customers yet)"
              )}
              .
            </p>
            <p>
              SKU:{" "}
              {sku ? (
                <>
                  {sku.name} <span className="font-mono text-xs">({sku.id})</span>
                </>
              ) : (
                "a new random id (you have no SKUs yet)"
              )}
              .
            </p>
            {(!customer || !sku) && (
              <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2">
                BillBo stores events for customers and SKUs it does not know yet; they show as unpriced until a SKU with a
                price and a customer with those ids exist.
              </p>
            )}
          </>
        )}
      </div>
    </div>
  );
}

function WatchStep() {
  const customers = useCustomers();
  const skus = useSkus();
  const query = useQuery({
    queryKey: [...keys.events({ limit: 1 }), "first-event"],
    queryFn: async () => unwrap(await api.GET("/api/events", { params: { query: { limit: 1 } } })),
    // Until the first event exists; then the page has done its job.
    refetchInterval: (q) => (q.state.data?.events.length ? false : POLL_MS),
    staleTime: 0,
  });
  const event = query.data?.events[0];
  const customerName = customers.data?.customers.find((c) => c.id === event?.customer_id)?.name;
  const skuName = skus.data?.find((s) => s.id === event?.sku_id)?.name;

  return (
    <div className="space-y-3">
      <p role="status" className="flex items-center gap-2 text-sm font-medium text-slate-800">
        {event ? (
          <>
            <CheckCircle2 className="h-4 w-4 text-emerald-700" aria-hidden />
            First event received
          </>
        ) : (
          <>
            <Loader2 className="h-4 w-4 animate-spin text-slate-600" aria-hidden />
            Waiting for your first event…
          </>
        )}
      </p>
      {event ? (
        <>
          <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium text-slate-700">Event id</dt>
            <dd className="break-all font-mono text-xs text-slate-900">{event.event_id}</dd>
            <dt className="font-medium text-slate-700">Customer</dt>
            <dd className="break-all text-slate-900">{customerName ?? event.customer_id}</dd>
            <dt className="font-medium text-slate-700">SKU</dt>
            <dd className="break-all text-slate-900">{skuName ?? event.sku_id}</dd>
            <dt className="font-medium text-slate-700">Amount</dt>
            <dd className="text-slate-900">{formatQuantity(event.amount)}</dd>
            <dt className="font-medium text-slate-700">Sent at</dt>
            <dd className="text-slate-900">{formatDateTime(event.sent_at)}</dd>
          </dl>
          <Link to="/events" className={buttonVariants({ variant: "primary" })}>
            Open the events explorer
          </Link>
        </>
      ) : (
        <p className="text-sm text-slate-700">This page checks every {POLL_MS / 1000} seconds; keep it open while you send the event.</p>
      )}
      {query.isError && !event && <ErrorState error={query.error} retry={() => void query.refetch()} />}
    </div>
  );
}
