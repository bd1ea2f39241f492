import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Archive, Pencil } from "lucide-react";
import { useMemo, useState } from "react";
import { FormProvider, useForm } from "react-hook-form";
import { Link, useParams } from "react-router";
import { z } from "zod";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime, localInputToIso } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";
import { PricePreview } from "./PricePreview";
import { PricingEditor } from "./PricingEditor";
import {
  checkPrice,
  effectiveFromSchema,
  emptyPrice,
  fromPriceVersion,
  modelLabel,
  priceFields,
  priceSchema,
  priceSummary,
  toPriceIn,
} from "./pricing";

type Sku = Schemas["Sku"];

function useSku(id: string) {
  return useQuery({
    queryKey: keys.sku(id),
    queryFn: async () => unwrap(await api.GET("/api/skus/{sku_id}", { params: { path: { sku_id: id } } })),
  });
}

/** After a write: the detail from the answer, and every SKU list refetched. */
function useStoreSku() {
  const client = useQueryClient();
  return (sku: Sku) => {
    client.setQueryData(keys.sku(sku.id), sku);
    void client.invalidateQueries({ queryKey: ["skus"], predicate: (query) => query.queryKey[1] !== sku.id });
  };
}

export default function SkuDetailPage() {
  const { skuId = "" } = useParams();
  const sku = useSku(skuId);
  return (
    <QueryView query={sku} label="Loading the SKU">
      {(data) => <SkuDetail sku={data} />}
    </QueryView>
  );
}

function SkuDetail({ sku }: { sku: Sku }) {
  const { denied } = useSession();
  const reason = denied("writeCatalog");
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="font-medium text-indigo-700 hover:underline" to="/skus">
          ← SKUs & pricing
        </Link>
      </p>
      <PageHeader
        title={sku.name}
        description={sku.archived_at ? "Archived: kept for the invoices that bill it." : undefined}
        actions={
          <>
            <Button variant="secondary" onClick={() => setEditing(true)} disabledReason={reason}>
              <Pencil className="h-4 w-4" aria-hidden />
              Edit
            </Button>
            <Button
              variant="danger"
              onClick={() => setArchiving(true)}
              disabledReason={reason ?? (sku.archived_at ? "This SKU is already archived." : undefined)}
            >
              <Archive className="h-4 w-4" aria-hidden />
              Archive SKU
            </Button>
          </>
        }
      />
      {reason && <p className="-mt-3 mb-4 text-sm text-slate-700">{reason} You can look at this SKU and preview its price.</p>}
      <div className="space-y-6">
        <Details sku={sku} />
        <PricePreview skuId={sku.id} unit={sku.unit} />
        <Versions sku={sku} />
        <SchedulePrice sku={sku} reason={reason} />
      </div>
      <EditDialog sku={sku} open={editing} onOpenChange={setEditing} />
      <ArchiveDialog sku={sku} open={archiving} onOpenChange={setArchiving} />
    </>
  );
}

function Details({ sku }: { sku: Sku }) {
  const current = sku.current_price;
  return (
    <Card>
      <CardHeader title="Details" />
      <CardBody>
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <div>
            <dt className="text-slate-600">Unit</dt>
            <dd className="font-medium text-slate-900">{sku.unit}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Currency</dt>
            <dd className="font-medium text-slate-900">{sku.currency}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Created</dt>
            <dd className="text-slate-900">{formatDateTime(sku.created_at)}</dd>
          </div>
          <div>
            <dt className="text-slate-600">Status</dt>
            <dd>{sku.archived_at ? <Badge>Archived {formatDateTime(sku.archived_at)}</Badge> : <Badge tone="good">Active</Badge>}</dd>
          </div>
          <div>
            <dt className="text-slate-600">SKU id (for events)</dt>
            <dd className="break-all font-mono text-xs text-slate-900">{sku.id}</dd>
          </div>
          <div className="sm:col-span-2 lg:col-span-3">
            <dt className="text-slate-600">Price in force now</dt>
            <dd className="text-slate-900">
              {current
                ? `${modelLabel(current.model)} (version ${current.version}): ${priceSummary(current, sku.currency, sku.unit).join("; ")}`
                : "No price is in force yet: the first version starts later."}
            </dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}

function Versions({ sku }: { sku: Sku }) {
  const versions = [...(sku.versions ?? [])].sort((a, b) => b.version - a.version);
  // A version that starts after the one in force (or before any is) is still to come.
  const startOfCurrent = sku.current_price ? new Date(sku.current_price.effective_from).getTime() : Number.NEGATIVE_INFINITY;
  return (
    <Card>
      <CardHeader
        title="Price versions"
        description="Each version prices usage from its date until the next one. A version an invoice has billed is locked."
      />
      {versions.length === 0 ? (
        <CardBody>
          <p className="text-sm text-slate-700">No price versions.</p>
        </CardBody>
      ) : (
        <Table scrollLabel="Price versions">
          <thead>
            <tr>
              <Th>Version</Th>
              <Th>Model</Th>
              <Th>Effective from</Th>
              <Th>Terms</Th>
              <Th>Status</Th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => {
              const current = sku.current_price?.id === version.id;
              const scheduled = new Date(version.effective_from).getTime() > startOfCurrent;
              return (
                <tr key={version.id} aria-current={current ? "true" : undefined} className={current ? "bg-indigo-50/60" : undefined}>
                  <Td className="font-medium">v{version.version}</Td>
                  <Td>{modelLabel(version.model)}</Td>
                  <Td>{formatDateTime(version.effective_from)}</Td>
                  <Td className="whitespace-normal">
                    <ul className="space-y-0.5">
                      {priceSummary(version, sku.currency, sku.unit).map((part, index) => (
                        <li key={index}>{part}</li>
                      ))}
                    </ul>
                  </Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {current && <Badge tone="info">Current</Badge>}
                      {scheduled && <Badge tone="warn">Scheduled</Badge>}
                      {version.locked && <Badge>Locked</Badge>}
                    </div>
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

const scheduleSchema = (currency: string) =>
  z
    .object({ effective_from: effectiveFromSchema, price: priceSchema })
    .superRefine((values, ctx) => checkPrice(values.price, currency, (path, message) => ctx.addIssue({ code: "custom", path, message })));
type ScheduleValues = z.infer<ReturnType<typeof scheduleSchema>>;

function SchedulePrice({ sku, reason }: { sku: Sku; reason: string | undefined }) {
  const store = useStoreSku();
  const resolver = useMemo(() => zodResolver(scheduleSchema(sku.currency)), [sku.currency]);
  const form = useForm<ScheduleValues>({ resolver, defaultValues: { effective_from: "", price: emptyPrice() } });
  // Closed until asked for: the page then has one "Quantity" field (the preview's), and a new
  // price is a deliberate step.
  const [open, setOpen] = useState(false);
  const [scheduled, setScheduled] = useState<string | null>(null);
  const schedule = useMutation({
    mutationFn: async (values: ScheduleValues) =>
      unwrap(
        await api.POST("/api/skus/{sku_id}/prices", {
          params: { path: { sku_id: sku.id } },
          body: { price: toPriceIn(values.price), effective_from: localInputToIso(values.effective_from) },
        }),
      ),
    onSuccess: (updated) => {
      store(updated);
      const newest = [...(updated.versions ?? [])].sort((a, b) => b.version - a.version)[0];
      setScheduled(newest ? `Version ${newest.version} takes effect ${formatDateTime(newest.effective_from)}.` : "Price scheduled.");
      form.reset({ effective_from: "", price: emptyPrice() });
      setOpen(false);
    },
    onError: (error) => applyApiErrors(error, form.setError, ["effective_from", ...priceFields(form.getValues("price"))]),
  });
  const { errors } = form.formState;
  const current = sku.current_price;
  return (
    <Card>
      <CardHeader
        title="Schedule a new price"
        description="A new version from a date; usage before it keeps the price it had."
        actions={
          open &&
          current && (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => form.reset({ effective_from: form.getValues("effective_from"), price: fromPriceVersion(current) })}
            >
              Start from the current price
            </Button>
          )
        }
      />
      <CardBody className="space-y-4">
        {scheduled && (
          <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
            {scheduled}
          </p>
        )}
        {!open ? (
          <div className="flex flex-wrap items-center gap-3">
            <Button
              disabledReason={reason}
              onClick={() => {
                setScheduled(null);
                setOpen(true);
              }}
            >
              Schedule a new price
            </Button>
            {reason && <p className="text-sm text-slate-700">{reason}</p>}
          </div>
        ) : (
          <FormProvider {...form}>
            <form noValidate className="space-y-4" onSubmit={form.handleSubmit((values) => schedule.mutate(values))}>
              <FormError message={errors.root?.server?.message} />
              <fieldset disabled={Boolean(reason)} className="min-w-0">
                <PricingEditor currency={sku.currency} effectiveFromHint="UTC. Leave empty for the default: the start of the next period." />
              </fieldset>
              <div className="flex flex-wrap gap-2">
                <Button type="submit" disabled={schedule.isPending} disabledReason={reason}>
                  {schedule.isPending ? "Scheduling…" : "Schedule price"}
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => {
                    form.reset({ effective_from: "", price: emptyPrice() });
                    setOpen(false);
                  }}
                >
                  Cancel
                </Button>
              </div>
            </form>
          </FormProvider>
        )}
      </CardBody>
    </Card>
  );
}

const nameSchema = z.object({
  name: z.string().trim().min(1, "Name the SKU.").max(200, "At most 200 characters."),
  unit: z.string().trim().min(1, "Name the unit.").max(50, "At most 50 characters."),
});
type NameValues = z.infer<typeof nameSchema>;

function EditDialog({ sku, open, onOpenChange }: { sku: Sku; open: boolean; onOpenChange: (open: boolean) => void }) {
  const store = useStoreSku();
  const form = useForm<NameValues>({ resolver: zodResolver(nameSchema), values: { name: sku.name, unit: sku.unit } });
  const save = useMutation({
    mutationFn: async (values: NameValues) =>
      unwrap(await api.PUT("/api/skus/{sku_id}", { params: { path: { sku_id: sku.id } }, body: values })),
    onSuccess: (updated) => {
      store(updated);
      onOpenChange(false);
    },
    onError: (error) => applyApiErrors(error, form.setError, ["name", "unit"]),
  });
  const { errors } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) form.reset();
        onOpenChange(next);
      }}
      title="Edit SKU"
      description="The name and unit are for people; events keep naming the SKU by its id."
    >
      <form noValidate className="space-y-4" onSubmit={form.handleSubmit((values) => save.mutate(values))}>
        <FormError message={errors.root?.server?.message} />
        <Field label="Name" error={errors.name?.message}>
          <Input autoComplete="off" {...form.register("name")} />
        </Field>
        <Field label="Unit" error={errors.unit?.message}>
          <Input autoComplete="off" {...form.register("unit")} />
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ArchiveDialog({ sku, open, onOpenChange }: { sku: Sku; open: boolean; onOpenChange: (open: boolean) => void }) {
  const store = useStoreSku();
  const archive = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/skus/{sku_id}/archive", { params: { path: { sku_id: sku.id } } })),
    onSuccess: (updated) => {
      store(updated);
      onOpenChange(false);
    },
  });
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) archive.reset();
        onOpenChange(next);
      }}
      title={`Archive ${sku.name}?`}
      description="An archived SKU leaves the catalogue list; its price versions and the invoices that bill it stay."
      confirmLabel="Archive"
      pendingLabel="Archiving…"
      onConfirm={() => archive.mutate()}
      pending={archive.isPending}
      error={archive.error}
    />
  );
}
