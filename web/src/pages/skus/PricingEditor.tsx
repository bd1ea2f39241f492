// The price terms of a SKU, for "New SKU" and "Schedule a new price": the pricing model, the model's
// own terms (a unit price, a package, or tiers), the included quantity, the minimum charge and when
// the price takes effect. It lives inside a react-hook-form FormProvider whose values have `price`
// (a PriceForm) and `effective_from`; every input's name is the API's path of that term.
import { Plus, Trash2 } from "lucide-react";
import { useFieldArray, useFormContext, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { MAX_TIERS, MODELS, type PriceForm, emptyTier } from "./pricing";

export interface PriceFormValues {
  price: PriceForm;
  effective_from: string;
}

interface PricingEditorProps {
  /** The currency prices are in (shown beside the amounts); undefined while none is chosen. */
  currency?: string | undefined;
  /** What an empty "Effective from" means for this form. */
  effectiveFromHint: string;
}

const decimalInput = { inputMode: "decimal", autoComplete: "off", spellCheck: false } as const;

export function PricingEditor({ currency, effectiveFromHint }: PricingEditorProps) {
  const { register, control, formState } = useFormContext<PriceFormValues>();
  const model = useWatch({ control, name: "price.model" });
  const errors = formState.errors.price;
  const inCurrency = currency ? ` (${currency})` : "";
  return (
    <div className="space-y-5">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Pricing model"
          error={errors?.model?.message}
          hint={MODELS.find((m) => m.value === model)?.description ?? "How usage is priced: the model's own terms follow."}
        >
          <Select {...register("price.model")}>
            <option value="" disabled>
              Choose a model
            </option>
            {MODELS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Effective from" error={formState.errors.effective_from?.message} hint={effectiveFromHint}>
          <Input type="datetime-local" {...register("effective_from")} />
        </Field>
      </div>

      {model === "per_unit" && (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Unit price" error={errors?.unit_price?.message} hint={`Per unit${inCurrency}; as many decimals as you need.`}>
            <Input placeholder="e.g. 0.002" {...decimalInput} {...register("price.unit_price")} />
          </Field>
        </div>
      )}

      {model === "package" && (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Package size" error={errors?.package_size?.message} hint="Units in one package; a started package is charged whole.">
            <Input placeholder="e.g. 1000" {...decimalInput} {...register("price.package_size")} />
          </Field>
          <Field label="Package price" error={errors?.package_price?.message} hint={`Per package${inCurrency}.`}>
            <Input placeholder="e.g. 2.50" {...decimalInput} {...register("price.package_price")} />
          </Field>
        </div>
      )}

      {(model === "graduated" || model === "volume") && <TiersEditor currency={currency} />}

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Included quantity" error={errors?.included_quantity?.message} hint="Free units each period, taken off before pricing.">
          <Input {...decimalInput} {...register("price.included_quantity")} />
        </Field>
        <Field
          label="Minimum charge"
          error={errors?.minimum_charge?.message}
          hint={`A period with usage costs at least this${inCurrency}; 0 for none.`}
        >
          <Input {...decimalInput} {...register("price.minimum_charge")} />
        </Field>
      </div>
    </div>
  );
}

function TiersEditor({ currency }: { currency: string | undefined }) {
  const { register, control, formState, setValue, getValues } = useFormContext<PriceFormValues>();
  const { fields, append, remove } = useFieldArray({ control, name: "price.tiers" });
  const errors = formState.errors.price?.tiers;
  const inCurrency = currency ? ` (${currency})` : "";

  function addTier() {
    // The tier that was last now needs an upper bound: the cursor goes there when it has none.
    const previous = fields.length - 1;
    const bounded = previous >= 0 && getValues(`price.tiers.${previous}.up_to`).trim() !== "";
    append(emptyTier(), {
      focusName: previous >= 0 && !bounded ? `price.tiers.${previous}.up_to` : `price.tiers.${fields.length}.unit_price`,
    });
  }

  function removeTier(index: number) {
    const wasLast = index === fields.length - 1;
    remove(index);
    // The tier that becomes the last is open-ended.
    if (wasLast && index > 0) setValue(`price.tiers.${index - 1}.up_to`, "");
  }

  return (
    <div className="space-y-3">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">Tiers</h3>
        <p className="text-xs text-slate-600">
          A tier covers the quantities above the previous tier&apos;s bound, up to and including its own. The last tier has no upper
          bound.
        </p>
      </div>
      <FormError message={errors?.message ?? errors?.root?.message} />
      <ol className="space-y-3">
        {fields.map((field, index) => {
          const n = index + 1;
          const last = index === fields.length - 1;
          const tierErrors = errors?.[index];
          return (
            <li key={field.id}>
              <fieldset className="rounded-md border border-slate-200 p-3">
                <legend className="px-1 text-sm font-medium text-slate-800">Tier {n}</legend>
                <div className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-start">
                  <Field label={`Up to (tier ${n})`} error={tierErrors?.up_to?.message}>
                    <Input placeholder={last ? "∞ (and above)" : "e.g. 1000"} {...decimalInput} {...register(`price.tiers.${index}.up_to`)} />
                  </Field>
                  <Field label={`Unit price (tier ${n})`} error={tierErrors?.unit_price?.message}>
                    <Input placeholder={`e.g. 0.01${inCurrency}`} {...decimalInput} {...register(`price.tiers.${index}.unit_price`)} />
                  </Field>
                  <Field label={`Flat fee (tier ${n})`} error={tierErrors?.flat_fee?.message}>
                    <Input placeholder="Optional" {...decimalInput} {...register(`price.tiers.${index}.flat_fee`)} />
                  </Field>
                  <Button
                    variant="ghost"
                    size="icon"
                    className="sm:mt-6"
                    aria-label={`Remove tier ${n}`}
                    disabled={fields.length === 1}
                    title={fields.length === 1 ? "A tiered price needs at least one tier." : `Remove tier ${n}`}
                    onClick={() => removeTier(index)}
                  >
                    <Trash2 className="h-4 w-4" aria-hidden />
                  </Button>
                </div>
                {tierErrors?.message && <p className="mt-2 text-xs font-medium text-red-700">{tierErrors.message}</p>}
              </fieldset>
            </li>
          );
        })}
      </ol>
      <Button variant="secondary" size="sm" onClick={addTier} disabled={fields.length >= MAX_TIERS}>
        <Plus className="h-4 w-4" aria-hidden />
        Add tier
      </Button>
    </div>
  );
}
