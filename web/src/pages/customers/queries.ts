// The customer pages' queries (the keys are the shared ones of api/queries.ts, so a change to a
// customer invalidates every list and picker by the "customers" prefix).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys } from "@/api/queries";

export const PAGE_SIZE = 50;

/** One keyset page of customers: `cursor` is the previous page's next_cursor (none for the first). */
export function useCustomerPage(search: string, includeArchived: boolean, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.customers(search, includeArchived), "page", cursor ?? null],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/customers", {
          params: { query: { search: search || undefined, include_archived: includeArchived, cursor, limit: PAGE_SIZE } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(customerId: string) {
  return useQuery({
    queryKey: keys.customer(customerId),
    queryFn: async () =>
      unwrap(await api.GET("/api/customers/{customer_id}", { params: { path: { customer_id: customerId } } })),
  });
}

/** The customer's usage this period (ClickHouse, live) per SKU, with its estimated cost. */
export function useCustomerUsage(customerId: string) {
  const query = { customer_id: customerId, include_cost: true, group_by: ["sku"] as "sku"[] };
  return useQuery({
    queryKey: keys.usage(query),
    queryFn: async () => unwrap(await api.GET("/api/usage", { params: { query } })),
  });
}
