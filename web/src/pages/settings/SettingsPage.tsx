// Settings: the Stripe connection (invoices are exported to the merchant's own Stripe account)
// and the billing settings. Everyone may read them; admins and owners change them. The Stripe
// secrets go straight from the form to PUT /api/settings/stripe and are cleared from the form as
// it is sent: they are kept in no state, query or mutation cache.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { type Schemas, api } from "@/api/client";
import { ApiError, unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/copy-button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { QueryView } from "@/components/ui/states";
import { formatDateTime } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";
import { BILLING_FIELDS, type BillingSettings, COLLECTION_METHODS, billingSchema, changedFields } from "./billing";

const ADMINS_ONLY = "Only admins and owners change settings.";

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="How BillBo connects to Stripe, and how it bills your customers." />
      <div className="space-y-6">
        <StripeCard />
        <BillingCard />
      </div>
    </>
  );
}

// Stripe

function StripeCard() {
  const query = useQuery({
    queryKey: keys.stripe,
    queryFn: async () => unwrap(await api.GET("/api/settings/stripe")),
  });
  return (
    <Card>
      <CardHeader title="Stripe" description="Finalised invoices are exported to your Stripe account, which collects them." />
      <QueryView query={query} label="Loading the Stripe connection">
        {(connection) => (connection.connected ? <StripeConnected connection={connection} /> : <StripeConnect connection={connection} />)}
      </QueryView>
    </Card>
  );
}

const stripeSchema = z.object({
  secret_key: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$/, "Paste a secret key (sk_live_…, sk_test_…) or a restricted key (rk_…)."),
  webhook_secret: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]{8,250}$/, "Paste the endpoint’s signing secret (whsec_…)."),
});
type StripeValues = z.infer<typeof stripeSchema>;
const NO_SECRETS: StripeValues = { secret_key: "", webhook_secret: "" };

function StripeConnect({ connection }: { connection: Schemas["StripeConnection"] }) {
  const { denied } = useSession();
  const reason = denied("manageSettings");
  const client = useQueryClient();
  const form = useForm<StripeValues>({ resolver: zodResolver(stripeSchema), defaultValues: NO_SECRETS });
  // Not a useMutation: its variables (the secrets) would stay in the mutation cache.
  const [connecting, setConnecting] = useState(false);
  const { errors } = form.formState;

  const connect = form.handleSubmit(async (values) => {
    form.reset(NO_SECRETS);
    setConnecting(true);
    try {
      const connected = unwrap(await api.PUT("/api/settings/stripe", { body: values }));
      client.setQueryData(keys.stripe, connected);
    } catch (error) {
      // A 503 here says why (Stripe could not be reached to check the key): worth showing as is.
      if (error instanceof ApiError && error.status === 503) form.setError("root.server", { type: "server", message: error.message });
      else applyApiErrors(error, form.setError, ["secret_key", "webhook_secret"]);
    } finally {
      setConnecting(false);
    }
  });

  return (
    <CardBody className="space-y-4">
      <p className="text-sm text-slate-700">
        Not connected. In the Stripe dashboard, add a webhook endpoint with this URL for the <code className="font-mono">invoice.*</code>{" "}
        events, then paste your secret key and the endpoint’s signing secret below. BillBo checks the key with Stripe and stores
        both encrypted; neither is shown again.
      </p>
      <CodeBlock value={connection.webhook_url} label="Copy webhook URL" />
      {reason && (
        <p className="text-sm text-slate-700">
          {ADMINS_ONLY} {reason}
        </p>
      )}
      <form className="space-y-4" noValidate onSubmit={connect}>
        {/* Stripe's messages can hold long unbroken tokens (hosts, URLs): wrap them anywhere. */}
        <div className="wrap-anywhere">
          <FormError message={errors.root?.server?.message} />
        </div>
        <fieldset disabled={Boolean(reason) || connecting} className="grid gap-4 sm:grid-cols-2">
          <legend className="sr-only">Stripe credentials</legend>
          <Field label="Stripe secret key" error={errors.secret_key?.message} hint="sk_live_…, sk_test_… or a restricted key rk_…">
            <Input type="password" autoComplete="off" spellCheck={false} {...form.register("secret_key")} />
          </Field>
          <Field label="Webhook signing secret" error={errors.webhook_secret?.message} hint="whsec_…, from the webhook endpoint in Stripe">
            <Input type="password" autoComplete="off" spellCheck={false} {...form.register("webhook_secret")} />
          </Field>
        </fieldset>
        <Button type="submit" disabled={connecting} disabledReason={reason}>
          {connecting ? "Checking with Stripe…" : "Connect Stripe"}
        </Button>
      </form>
    </CardBody>
  );
}

function StripeConnected({ connection }: { connection: Schemas["StripeConnection"] }) {
  const { denied } = useSession();
  const reason = denied("manageSettings");
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const disconnect = useMutation({
    mutationFn: async () => unwrap(await api.DELETE("/api/settings/stripe")),
    onSuccess: async () => {
      setConfirming(false);
      await client.invalidateQueries({ queryKey: keys.stripe, exact: true });
    },
  });
  const live = connection.livemode === true;
  return (
    <CardBody className="space-y-4">
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Account</dt>
        <dd className="break-all font-mono text-slate-900">{connection.account_id ?? "—"}</dd>
        <dt className="font-medium text-slate-700">Secret key</dt>
        <dd className="text-slate-900">
          ending in <span className="font-mono">{connection.key_last4 ?? "—"}</span>
        </dd>
        <dt className="font-medium text-slate-700">Mode</dt>
        <dd>
          <Badge tone={live ? "good" : "warn"}>{live ? "Live" : "Test"}</Badge>
        </dd>
        <dt className="font-medium text-slate-700">Connected</dt>
        <dd className="text-slate-900">{formatDateTime(connection.connected_at)}</dd>
      </dl>
      <div className="space-y-2">
        <p className="text-sm text-slate-700">
          The webhook URL to register in Stripe for the <code className="font-mono">invoice.*</code> events, so BillBo learns when
          an invoice is paid:
        </p>
        <CodeBlock value={connection.webhook_url} label="Copy webhook URL" />
      </div>
      {reason && (
        <p className="text-sm text-slate-700">
          {ADMINS_ONLY} {reason}
        </p>
      )}
      <Button variant="danger" disabledReason={reason} onClick={() => setConfirming(true)}>
        Disconnect Stripe
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={(open) => {
          setConfirming(open);
          if (!open) disconnect.reset();
        }}
        title="Disconnect Stripe?"
        description="BillBo deletes the stored key and signing secret and stops exporting invoices until you connect again. Invoices already in Stripe stay there."
        confirmLabel="Disconnect Stripe"
        pendingLabel="Disconnecting…"
        onConfirm={() => disconnect.mutate()}
        pending={disconnect.isPending}
        error={disconnect.error}
      />
    </CardBody>
  );
}

// Billing

function BillingCard() {
  const query = useQuery({
    queryKey: keys.settings,
    queryFn: async () => unwrap(await api.GET("/api/settings")),
  });
  return (
    <Card>
      <CardHeader title="Billing" description="When invoices are finalised, how far back events may go, and how Stripe collects." />
      <QueryView query={query} label="Loading the billing settings">
        {(settings) => <BillingForm settings={settings} />}
      </QueryView>
    </Card>
  );
}

function BillingForm({ settings }: { settings: BillingSettings }) {
  const { denied } = useSession();
  const reason = denied("manageSettings");
  const client = useQueryClient();
  const zeroId = useId();
  const [saved, setSaved] = useState(settings);
  const [message, setMessage] = useState("");
  const form = useForm<BillingSettings>({ resolver: zodResolver(billingSchema), defaultValues: settings });
  const save = useMutation({
    mutationFn: async (patch: Schemas["BillingSettingsPatch"]) => unwrap(await api.PATCH("/api/settings", { body: patch })),
    onMutate: () => setMessage(""),
    onSuccess: (updated) => {
      client.setQueryData(keys.settings, updated);
      setSaved(updated);
      form.reset(updated);
      setMessage("Settings saved.");
    },
    onError: (error) => applyApiErrors(error, form.setError, BILLING_FIELDS),
  });
  const submit = form.handleSubmit((values) => {
    const patch = changedFields(saved, values);
    if (Object.keys(patch).length === 0) {
      setMessage("Nothing changed, so there is nothing to save.");
      return;
    }
    save.mutate(patch);
  });
  const { errors } = form.formState;
  const number = { valueAsNumber: true } as const;

  return (
    <CardBody>
      <form className="space-y-4" noValidate onSubmit={submit}>
        {reason && (
          <p className="text-sm text-slate-700">
            {ADMINS_ONLY} {reason}
          </p>
        )}
        <FormError message={errors.root?.server?.message} />
        <fieldset disabled={Boolean(reason)} className="grid gap-4 sm:grid-cols-2">
          <legend className="sr-only">Billing settings</legend>
          <Field
            label="Grace period (minutes)"
            error={errors.invoice_grace_period_minutes?.message}
            hint="A period’s invoices are finalised this long after it ends, for late events (0 to 43,200)."
          >
            <Input type="number" inputMode="numeric" min={0} max={43200} step={1} {...form.register("invoice_grace_period_minutes", number)} />
          </Field>
          <Field
            label="Backdating window (days)"
            error={errors.backdating_window_days?.message}
            hint="Events may be sent up to this many days after they happened; older ones are refused (1 to 365)."
          >
            <Input type="number" inputMode="numeric" min={1} max={365} step={1} {...form.register("backdating_window_days", number)} />
          </Field>
          <Field label="Collection method" error={errors.collection_method?.message} hint="How Stripe collects the invoices BillBo exports.">
            <Select {...form.register("collection_method")}>
              {COLLECTION_METHODS.map((method) => (
                <option key={method.value} value={method.value}>
                  {method.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Days until due" error={errors.days_until_due?.message} hint="For emailed invoices: how long the customer has to pay (1 to 365).">
            <Input type="number" inputMode="numeric" min={1} max={365} step={1} {...form.register("days_until_due", number)} />
          </Field>
          <div className="sm:col-span-2">
            <div className="flex items-start gap-2">
              <input
                id={zeroId}
                type="checkbox"
                className="mt-0.5 h-4 w-4 rounded border-slate-400 accent-indigo-600"
                aria-describedby={`${zeroId}-hint`}
                aria-invalid={errors.send_zero_amount_invoices ? true : undefined}
                {...form.register("send_zero_amount_invoices")}
              />
              <div>
                <label htmlFor={zeroId} className="text-sm font-medium text-slate-800">
                  Send zero-amount invoices
                </label>
                <p id={`${zeroId}-hint`} className="text-xs text-slate-600">
                  Export invoices that come to 0 to Stripe too (otherwise they stay in BillBo only).
                </p>
                {errors.send_zero_amount_invoices?.message && (
                  <p role="alert" className="text-xs font-medium text-red-700">
                    {errors.send_zero_amount_invoices.message}
                  </p>
                )}
              </div>
            </div>
          </div>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={save.isPending} disabledReason={reason}>
            {save.isPending ? "Saving…" : "Save settings"}
          </Button>
          <p role="status" className="text-sm text-emerald-800">
            {message}
          </p>
        </div>
      </form>
    </CardBody>
  );
}
