// The customer form's values, their checks, and the request bodies they become.
import { z } from "zod";
import type { Schemas } from "@/api/client";
import { CURRENCY_EXPONENTS } from "@/lib/currencies";

export type Currency = Schemas["CustomerIn"]["currency"];
export type Metadata = NonNullable<Schemas["CustomerIn"]["metadata"]>;

// The currencies BillBo knows (src/lib/currencies.ts mirrors the API's enum; tests/web checks it).
export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS).sort() as Currency[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = z.email();

/** The metadata textarea as an object, or why it is not one. Empty means no metadata. */
export function parseMetadata(text: string): { ok: true; value: Metadata | undefined } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'Metadata is not valid JSON. Write an object such as {"crm_id": "0012345"}.' };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: 'Metadata must be a JSON object, such as {"crm_id": "0012345"}.' };
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && !["string", "number", "boolean"].includes(typeof value)) {
      return { ok: false, error: `Metadata values must be strings, numbers, booleans or null ("${key}" is not).` };
    }
  }
  return { ok: true, value: parsed as Metadata };
}

export const customerSchema = z.object({
  name: z.string().trim().min(1, "Name the customer.").max(500, "Use at most 500 characters."),
  currency: z.string().refine((code) => (CURRENCIES as string[]).includes(code), "Choose a currency."),
  email: z
    .string()
    .trim()
    .max(320, "Use at most 320 characters.")
    .refine((email) => email === "" || EMAIL.safeParse(email).success, "Enter an email address, or leave it empty."),
  id: z
    .string()
    .trim()
    .refine((id) => id === "" || UUID.test(id), "Enter a UUID (such as 3f0c5a1e-8d2b-4c6f-9a7e-1b2c3d4e5f60), or leave it empty."),
  metadata: z.string().superRefine((text, ctx) => {
    const parsed = parseMetadata(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
  }),
});

export type CustomerValues = z.infer<typeof customerSchema>;

export const FIELDS = ["name", "currency", "email", "id", "metadata"] as const;

export function defaultValues(customer?: Schemas["Customer"]): CustomerValues {
  const metadata = customer?.metadata ?? {};
  return {
    name: customer?.name ?? "",
    currency: customer?.currency ?? "USD",
    email: customer?.email ?? "",
    id: "",
    metadata: Object.keys(metadata).length ? JSON.stringify(metadata, null, 2) : "",
  };
}

function metadataOf(values: CustomerValues): Metadata | undefined {
  const parsed = parseMetadata(values.metadata);
  return parsed.ok ? parsed.value : undefined;
}

export function newCustomerBody(values: CustomerValues): Schemas["NewCustomer"] {
  const metadata = metadataOf(values);
  return {
    name: values.name,
    currency: values.currency as Currency,
    email: values.email || null,
    ...(values.id ? { id: values.id.toLowerCase() } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/** A PUT replaces the customer: an emptied email or metadata clears it. */
export function customerInBody(values: CustomerValues): Schemas["CustomerIn"] {
  return {
    name: values.name,
    currency: values.currency as Currency,
    email: values.email || null,
    metadata: metadataOf(values) ?? {},
  };
}
