import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FormProvider, useForm, useWatch } from "react-hook-form";
import { Link, useNavigate } from "react-router";
import { z } from "zod";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { localInputToIso } from "@/lib/dates";
import { applyApiErrors } from "@/lib/forms";
import { PricingEditor } from "./PricingEditor";
import { CURRENCIES, checkPrice, currencyLabel, emptyPrice, effectiveFromSchema, isCurrency, priceFields, priceSchema, toPriceIn } from "./pricing";

const schema = z
  .object({
    name: z.string().trim().min(1, "Name the SKU.").max(200, "At most 200 characters."),
    unit: z.string().trim().min(1, "Name the unit, e.g. API call or GB.").max(50, "At most 50 characters."),
    currency: z.string(),
    effective_from: effectiveFromSchema,
    price: priceSchema,
  })
  .superRefine((values, ctx) => {
    if (!isCurrency(values.currency)) ctx.addIssue({ code: "custom", path: ["currency"], message: "Choose a currency." });
    checkPrice(values.price, values.currency, (path, message) => ctx.addIssue({ code: "custom", path, message }));
  });
type Values = z.infer<typeof schema>;

const FIELDS = ["name", "unit", "currency", "effective_from"];

export default function NewSkuPage() {
  const { denied } = useSession();
  const reason = denied("writeCatalog");
  const client = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { name: "", unit: "", currency: "USD", effective_from: "", price: emptyPrice() },
  });
  const currency = useWatch({ control: form.control, name: "currency" });
  const create = useMutation({
    mutationFn: async (values: Values) => {
      if (!isCurrency(values.currency)) throw new Error("Choose a currency.");
      return unwrap(
        await api.POST("/api/skus", {
          body: {
            name: values.name,
            unit: values.unit,
            currency: values.currency,
            price: toPriceIn(values.price),
            effective_from: localInputToIso(values.effective_from),
          },
        }),
      );
    },
    onSuccess: (sku) => {
      client.setQueryData(keys.sku(sku.id), sku);
      void client.invalidateQueries({ queryKey: ["skus"] });
      navigate(`/skus/${sku.id}`);
    },
    onError: (error) => applyApiErrors(error, form.setError, [...FIELDS, ...priceFields(form.getValues("price"))]),
  });
  const { errors } = form.formState;
  return (
    <>
      <PageHeader title="New SKU" description="A thing you bill for by usage, and its first price." />
      <FormProvider {...form}>
        <form noValidate className="space-y-6" onSubmit={form.handleSubmit((values) => create.mutate(values))}>
          {reason && <p className="text-sm text-slate-700">{reason}</p>}
          <FormError message={errors.root?.server?.message} />
          <fieldset disabled={Boolean(reason)} className="min-w-0 space-y-6">
            <Card>
              <CardHeader title="SKU" description="Events name the SKU by its id; the name and unit are for people." />
              <CardBody className="grid gap-4 sm:grid-cols-3">
                <Field label="Name" error={errors.name?.message}>
                  <Input autoComplete="off" placeholder="e.g. API requests" {...form.register("name")} />
                </Field>
                <Field label="Unit" error={errors.unit?.message} hint="Singular, e.g. API call or GB.">
                  <Input autoComplete="off" placeholder="e.g. API call" {...form.register("unit")} />
                </Field>
                <Field label="Currency" error={errors.currency?.message} hint="Fixed once the SKU exists.">
                  <Select {...form.register("currency")}>
                    {CURRENCIES.map((code) => (
                      <option key={code} value={code}>
                        {currencyLabel(code)}
                      </option>
                    ))}
                  </Select>
                </Field>
              </CardBody>
            </Card>
            <Card>
              <CardHeader title="Price" description="The first price version. Later changes are new versions from a date." />
              <CardBody>
                <PricingEditor
                  currency={currency}
                  effectiveFromHint="UTC. Leave empty for the default: the start of the current period."
                />
              </CardBody>
            </Card>
          </fieldset>
          <p className="text-sm text-slate-700">
            The preview of what a quantity would cost is available after creation, on the SKU&apos;s page: the server prices it
            exactly as invoices do.
          </p>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={create.isPending} disabledReason={reason}>
              {create.isPending ? "Creating…" : "Create SKU"}
            </Button>
            <Button asChild variant="secondary">
              <Link to="/skus">Cancel</Link>
            </Button>
          </div>
        </form>
      </FormProvider>
    </>
  );
}
