// Live usage (ClickHouse), its unpriced part and the rated usage of a period: the usage page's
// queries, which the overview shares.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys } from "@/api/queries";

export type GroupBy = "day" | "customer" | "sku";

export interface UsageQuery {
  /** ISO timestamps; the API's default window is the current period. */
  from?: string | undefined;
  to?: string | undefined;
  groupBy?: GroupBy[];
  customerId?: string | undefined;
  skuId?: string | undefined;
  includeCost?: boolean;
}

export function useUsage(query: UsageQuery, enabled = true) {
  return useQuery({
    queryKey: keys.usage(query),
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/usage", {
          params: {
            query: {
              from: query.from,
              to: query.to,
              group_by: query.groupBy?.length ? query.groupBy : undefined,
              customer_id: query.customerId,
              sku_id: query.skuId,
              include_cost: query.includeCost ?? false,
            },
          },
        }),
      ),
  });
}

export function useUnpriced(window: { from?: string; to?: string } = {}) {
  return useQuery({
    queryKey: keys.unpriced(window),
    queryFn: async () =>
      unwrap(await api.GET("/api/usage/unpriced", { params: { query: { from: window.from, to: window.to } } })),
  });
}

export function useRatedUsage(period: string) {
  return useQuery({
    queryKey: keys.ratedUsage(period),
    queryFn: async () => unwrap(await api.GET("/api/rated-usage", { params: { query: { period } } })),
  });
}
