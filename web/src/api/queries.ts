// Queries several pages share, with their cache keys in one place. A page's own queries live
// beside the page; a mutation invalidates by these keys' prefixes.
import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./errors";

export const keys = {
  me: ["me"] as const,
  skus: (includeArchived = false) => ["skus", { includeArchived }] as const,
  sku: (id: string) => ["skus", id] as const,
  customers: (search = "", includeArchived = false) => ["customers", { search, includeArchived }] as const,
  customer: (id: string) => ["customers", id] as const,
  events: (filters: object) => ["events", filters] as const,
  event: (id: string) => ["events", "one", id] as const,
  usage: (query: object) => ["usage", query] as const,
  unpriced: (query: object) => ["usage", "unpriced", query] as const,
  invoices: (period?: string) => ["invoices", { period: period ?? null }] as const,
  invoice: (id: string) => ["invoices", id] as const,
  explanation: (invoiceId: string, lineId: string) => ["invoices", invoiceId, "lines", lineId] as const,
  ratedUsage: (period?: string) => ["rated-usage", { period: period ?? null }] as const,
  apiKeys: ["api-keys"] as const,
  members: ["members"] as const,
  settings: ["settings"] as const,
  stripe: ["settings", "stripe"] as const,
};

export function useSkus(includeArchived = false) {
  return useQuery({
    queryKey: keys.skus(includeArchived),
    queryFn: async () => unwrap(await api.GET("/api/skus", { params: { query: { include_archived: includeArchived } } })),
  });
}

/** The first page of customers (up to 200), for pickers and for names beside ids. */
export function useCustomers(search = "", includeArchived = false) {
  return useQuery({
    queryKey: keys.customers(search, includeArchived),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/customers", {
          params: { query: { search: search || undefined, include_archived: includeArchived, limit: 200 } },
        }),
      ),
  });
}

/** id -> name for SKUs and customers, so tables show names where the API gives ids. */
export function useNames() {
  const skus = useSkus(true);
  const customers = useCustomers("", true);
  const sku = new Map((skus.data ?? []).map((s) => [s.id, s] as const));
  const customer = new Map((customers.data?.customers ?? []).map((c) => [c.id, c] as const));
  return {
    skuName: (id: string) => sku.get(id)?.name ?? id,
    sku: (id: string) => sku.get(id),
    customerName: (id: string) => customer.get(id)?.name ?? id,
    customer: (id: string) => customer.get(id),
  };
}
