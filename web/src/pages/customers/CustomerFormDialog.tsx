import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { type Schemas, api } from "@/api/client";
import { ApiError, unwrap } from "@/api/errors";
import { keys } from "@/api/queries";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { applyApiErrors } from "@/lib/forms";
import {
  CURRENCIES,
  type CustomerValues,
  FIELDS,
  customerInBody,
  customerSchema,
  defaultValues,
  newCustomerBody,
} from "./customer-form";

type Customer = Schemas["Customer"];

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The customer to edit; none to create one. */
  customer?: Customer;
  onSaved?: (customer: Customer) => void;
}

/** "New customer" or "Edit customer": the same fields (the ID only when creating). */
export function CustomerFormDialog({ open, onOpenChange, customer, onSaved }: Props) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={customer ? "Edit customer" : "New customer"}
      description={customer ? `The details of ${customer.name}; its ID stays as it is.` : "Someone you bill: their usage events name them by ID."}
    >
      {/* Mounted only while open, so each opening starts from the customer's current values. */}
      <CustomerForm
        customer={customer}
        onCancel={() => onOpenChange(false)}
        onSaved={(saved) => {
          onOpenChange(false);
          onSaved?.(saved);
        }}
      />
    </Dialog>
  );
}

function CustomerForm({
  customer,
  onCancel,
  onSaved,
}: {
  customer: Customer | undefined;
  onCancel: () => void;
  onSaved: (customer: Customer) => void;
}) {
  const client = useQueryClient();
  const form = useForm<CustomerValues>({ resolver: zodResolver(customerSchema), defaultValues: defaultValues(customer) });
  const save = useMutation({
    mutationFn: async (values: CustomerValues) =>
      customer
        ? unwrap(
            await api.PUT("/api/customers/{customer_id}", {
              params: { path: { customer_id: customer.id } },
              body: customerInBody(values),
            }),
          )
        : unwrap(await api.POST("/api/customers", { body: newCustomerBody(values) })),
    onSuccess: (saved) => {
      client.setQueryData(keys.customer(saved.id), saved);
      void client.invalidateQueries({ queryKey: ["customers"] });
      onSaved(saved);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409 && !customer) {
        form.setError("id", { type: "server", message: error.message });
        return;
      }
      // The API names a metadata problem by its key ("metadata.crm_id"): it belongs to the textarea.
      const rename = Object.fromEntries(
        (error instanceof ApiError ? error.fields : [])
          .filter(({ field }) => field.startsWith("metadata."))
          .map(({ field }) => [field, "metadata"]),
      );
      applyApiErrors(error, form.setError, FIELDS, rename);
    },
  });
  const { errors } = form.formState;

  return (
    <form className="space-y-4" noValidate onSubmit={form.handleSubmit((values) => save.mutate(values))}>
      <FormError message={errors.root?.server?.message} />
      <Field label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...form.register("name")} />
      </Field>
      <Field label="Currency" error={errors.currency?.message} hint="An ISO 4217 code. Invoices are in the currency of the SKUs' prices.">
        <Select {...form.register("currency")}>
          {CURRENCIES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Email" error={errors.email?.message} hint="Optional: where their invoices go.">
        <Input type="email" autoComplete="off" {...form.register("email")} />
      </Field>
      {!customer && (
        <Field
          label="Customer ID"
          error={errors.id?.message}
          hint="Optional: the UUID your events send as customer_id. Leave it empty and BillBo chooses one."
        >
          <Input className="font-mono" autoComplete="off" spellCheck={false} {...form.register("id")} />
        </Field>
      )}
      <Field
        label="Metadata"
        error={errors.metadata?.message}
        hint='Optional: a JSON object of your own data, such as {"crm_id": "0012345"} (up to 50 keys; strings, numbers, booleans or null).'
      >
        <Textarea className="font-mono" rows={4} spellCheck={false} {...form.register("metadata")} />
      </Field>
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={save.isPending}>
          {customer ? (save.isPending ? "Saving…" : "Save") : save.isPending ? "Creating…" : "Create customer"}
        </Button>
      </div>
    </form>
  );
}
