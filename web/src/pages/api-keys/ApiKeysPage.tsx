// API keys: the keys the ingest API accepts. Admins and owners create and revoke them; the whole
// key is shown once, in a dialog, and only its prefix afterwards (BillBo keeps its SHA-256).
// GET /api/api-keys is admin-only too, so other roles get an explanation instead of a request.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/copy-button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { Empty, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";

const ADMINS_ONLY = "Only admins and owners manage API keys";

/** "Dec 2, 2026, 5:23 AM UTC": to the minute, so the table fits a laptop screen (the full time is
 * the cell's title). */
function toMinute(iso: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : `${date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

const schema = z.object({ name: z.string().trim().min(1, "Name the key.").max(200, "Use at most 200 characters.") });
type Values = z.infer<typeof schema>;

type ApiKey = Schemas["ApiKey"];

export default function ApiKeysPage() {
  const { me, can, denied } = useSession();
  const admin = can("manageKeys");
  // The whole key, from the answer to POST until the dialog closes: never stored anywhere else.
  const [created, setCreated] = useState<Schemas["NewApiKey"] | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  return (
    <>
      <PageHeader
        title="API keys"
        description="Your backend sends usage events to the ingest API with one of these keys (Authorization: Bearer bb_…)."
      />
      <div className="space-y-6">
        <CreateKeyCard onCreated={setCreated} disabledReason={denied("manageKeys")} />
        {admin ? (
          <KeysCard onRevoke={setRevoking} />
        ) : (
          <Card>
            <CardBody>
              <Empty title={`${ADMINS_ONLY}.`}>
                You are signed in as {me.role}, which cannot see, create or revoke keys. Ask an admin or an owner of your
                organisation for a key.
              </Empty>
            </CardBody>
          </Card>
        )}
      </div>
      <NewKeyDialog created={created} onClose={() => setCreated(null)} />
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}

function CreateKeyCard({ onCreated, disabledReason }: { onCreated: (key: Schemas["NewApiKey"]) => void; disabledReason?: string | undefined }) {
  const client = useQueryClient();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { name: "" } });
  const create = useMutation({
    mutationFn: async (values: Values) => unwrap(await api.POST("/api/api-keys", { body: values })),
    onSuccess: (key) => {
      form.reset();
      onCreated(key);
      void client.invalidateQueries({ queryKey: keys.apiKeys });
    },
    onError: (error) => applyApiErrors(error, form.setError, ["name"]),
  });
  const { errors } = form.formState;
  const locked = Boolean(disabledReason);
  return (
    <Card>
      <CardHeader title="Create a key" description="Name it after where it will be used, such as “production backend”." />
      <CardBody>
        {locked && <p className="mb-3 text-sm text-slate-700">{ADMINS_ONLY}: {disabledReason}</p>}
        <form
          className="flex flex-col gap-3 sm:flex-row sm:items-start"
          noValidate
          onSubmit={form.handleSubmit((values) => create.mutate(values))}
        >
          <Field label="Key name" error={errors.name?.message} className="min-w-0 flex-1">
            <Input autoComplete="off" disabled={locked} {...form.register("name")} />
          </Field>
          <Button type="submit" className="sm:mt-6" disabled={create.isPending} disabledReason={disabledReason}>
            <KeyRound className="h-4 w-4" aria-hidden />
            {create.isPending ? "Creating…" : "Create key"}
          </Button>
        </form>
        <div className="mt-3">
          <FormError message={errors.root?.server?.message} />
        </div>
      </CardBody>
    </Card>
  );
}

function KeysCard({ onRevoke }: { onRevoke: (key: ApiKey) => void }) {
  const query = useQuery({
    queryKey: keys.apiKeys,
    queryFn: async () => unwrap(await api.GET("/api/api-keys")),
  });
  return (
    <Card>
      <CardHeader title="Keys" description="Revoked keys stay listed, so you can tell which key a past request used." />
      <QueryView
        query={query}
        label="Loading API keys"
        isEmpty={(data) => data.length === 0}
        empty={<Empty title="No API keys yet">Create one above to start sending events.</Empty>}
      >
        {(data) => (
          <Table scrollLabel="API keys">
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Created by</Th>
                <Th>Created</Th>
                <Th>Last used</Th>
                <Th>Status</Th>
                {/* relative: keeps the sr-only text inside the scrolling area (else it widens the page) */}
                <Th className="relative">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {data.map((key) => {
                const revoked = key.revoked_at !== null;
                return (
                  <tr key={key.id} className={cn(revoked && "bg-slate-50")}>
                    <Td className={cn("font-medium", revoked && "text-slate-600 line-through")}>{key.name}</Td>
                    <Td className={cn("font-mono text-xs", revoked && "text-slate-600")}>{key.prefix}…</Td>
                    <Td className={cn(revoked && "text-slate-600")}>{key.created_by ?? "—"}</Td>
                    <Td className={cn(revoked && "text-slate-600")} title={formatDateTime(key.created_at)}>
                      {toMinute(key.created_at)}
                    </Td>
                    <Td className={cn(revoked && "text-slate-600")} title={key.last_used_at ? formatDateTime(key.last_used_at) : undefined}>
                      {key.last_used_at ? toMinute(key.last_used_at) : "Never"}
                    </Td>
                    <Td>
                      {revoked ? (
                        <div className="flex flex-col items-start gap-1">
                          <Badge tone="neutral">Revoked</Badge>
                          <span className="text-xs text-slate-600" title={formatDateTime(key.revoked_at)}>
                            on {toMinute(key.revoked_at)}
                          </span>
                        </div>
                      ) : (
                        <Badge tone="good">Active</Badge>
                      )}
                    </Td>
                    {/* Named, so the cell's name is not its button's ("Revoke <name>"): the key's
                        name is in one cell only. */}
                    <Td className="text-right" aria-label="Actions">
                      {!revoked && (
                        <Button variant="secondary" size="sm" aria-label={`Revoke ${key.name}`} onClick={() => onRevoke(key)}>
                          Revoke
                        </Button>
                      )}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </QueryView>
    </Card>
  );
}

function NewKeyDialog({ created, onClose }: { created: Schemas["NewApiKey"] | null; onClose: () => void }) {
  return (
    <Dialog
      open={created !== null}
      onOpenChange={(open) => !open && onClose()}
      title="Your new API key"
      description={created ? `“${created.name}”, for the ingest API.` : undefined}
    >
      {created && (
        <div className="space-y-4">
          <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Copy it now and keep it somewhere safe: it won’t be shown again. BillBo keeps only a fingerprint of it.
          </p>
          <CodeBlock value={created.key} testId="new-api-key" />
          <div className="flex justify-end">
            <Button onClick={onClose}>Done</Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE("/api/api-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keys.apiKeys });
      onClose();
    },
  });
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onOpenChange={(open) => !open && close()}
      title={apiKey ? `Revoke “${apiKey.name}”?` : "Revoke key"}
      description="Requests with this key are refused from now on. This cannot be undone: create a new key to replace it."
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
      onConfirm={() => apiKey && revoke.mutate(apiKey.id)}
      pending={revoke.isPending || !apiKey}
      error={revoke.error}
    />
  );
}
