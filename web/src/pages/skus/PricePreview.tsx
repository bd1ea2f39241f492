// "What would N units cost": the API rates the quantity with the price in force (billbo/pricing,
// the same arithmetic invoices use) and returns every step; nothing is computed here.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { type Schemas, api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { TierBreakdown } from "@/components/TierBreakdown";
import { localInputToIso } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";
import { formatDecimal, formatMinor, formatQuantity } from "@/lib/money";
import { SIGNED_DECIMAL } from "./pricing";

type Preview = Schemas["Preview"];

const schema = z.object({
  quantity: z
    .string()
    .trim()
    .min(1, "Enter a quantity.")
    .regex(SIGNED_DECIMAL, "Enter a number such as 1500 or 1500.5 (digits and an optional point)."),
  at: z.string(),
});
type Values = z.infer<typeof schema>;

export function PricePreview({ skuId, unit }: { skuId: string; unit: string }) {
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { quantity: "", at: "" } });
  const preview = useMutation({
    mutationFn: async ({ quantity, at }: Values) =>
      unwrap(
        await api.GET("/api/skus/{sku_id}/preview", {
          params: { path: { sku_id: skuId }, query: { quantity, at: localInputToIso(at) } },
        }),
      ),
    onError: (error) => applyApiErrors(error, form.setError, ["quantity", "at"]),
  });
  const { errors } = form.formState;
  return (
    <Card>
      <CardHeader title="What would it cost" description={`What a quantity (in ${unit}) in one period would cost under the price in force, tier by tier.`} />
      <CardBody className="space-y-4">
        <form
          noValidate
          className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
          onSubmit={form.handleSubmit((values) => preview.mutate(values))}
        >
          <Field label="Quantity" error={errors.quantity?.message}>
            <Input inputMode="decimal" autoComplete="off" placeholder="e.g. 1500" {...form.register("quantity")} />
          </Field>
          <Field label="Price in force at" error={errors.at?.message} hint="UTC; empty for now.">
            <Input type="datetime-local" {...form.register("at")} />
          </Field>
          <Button type="submit" variant="secondary" className="sm:mt-6" disabled={preview.isPending}>
            {preview.isPending ? "Previewing…" : "Preview"}
          </Button>
          <div className="sm:col-span-3">
            <FormError message={errors.root?.server?.message} />
          </div>
        </form>
        {preview.data && <PreviewResult preview={preview.data} unit={unit} />}
      </CardBody>
    </Card>
  );
}

/** The breakdown of one preview: a line per tier (or package, or unit price), then the totals. */
export function PreviewResult({ preview, unit }: { preview: Preview; unit: string }) {
  const money = (value: string) => formatDecimal(value, preview.currency);
  const excluded = formatQuantity(preview.quantity) !== formatQuantity(preview.billable_quantity);
  // amount_minor is what an invoice would charge; beyond 2^53 minor units a JSON number has lost
  // digits, and the unrounded decimal is the exact figure.
  const total = Number.isSafeInteger(preview.amount_minor) ? formatMinor(preview.amount_minor, preview.currency) : money(preview.amount);
  return (
    <section aria-label="Preview result" className="space-y-3" aria-live="polite">
      <p className="text-sm text-slate-700">
        Quantity {formatQuantity(preview.quantity)} ({unit}), priced by version {preview.price_version}
        {excluded && <> · billable after the included quantity: {formatQuantity(preview.billable_quantity)}</>}
      </p>
      {preview.lines.length === 0 ? (
        <p className="text-sm text-slate-700">Nothing billable at this quantity.</p>
      ) : (
        <TierBreakdown lines={preview.lines} currency={preview.currency} label="Breakdown" />
      )}
      <dl className="ml-auto grid max-w-xs grid-cols-[1fr_auto] gap-x-6 gap-y-1 text-sm">
        <dt className="text-slate-700">Subtotal</dt>
        <dd className="text-right tabular-nums">{money(preview.subtotal)}</dd>
        {!/^-?0*(\.0*)?$/.test(preview.minimum_top_up) && (
          <>
            <dt className="text-slate-700">Minimum top-up</dt>
            <dd className="text-right tabular-nums">{money(preview.minimum_top_up)}</dd>
          </>
        )}
        <dt className="font-semibold text-slate-900">Total</dt>
        <dd className="text-right font-semibold tabular-nums" data-testid="preview-total">
          {total}
        </dd>
      </dl>
      {money(preview.amount) !== total && (
        <p className="text-xs text-slate-600">
          Before rounding to the currency&apos;s minor unit: {money(preview.amount)}. An invoice rounds each line once.
        </p>
      )}
    </section>
  );
}
