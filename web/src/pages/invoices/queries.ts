// The invoice pages' queries (the keys are the shared ones of api/queries.ts).
import { useQuery } from "@tanstack/react-query";
import { api } from "@/api/client";
import { unwrap } from "@/api/errors";
import { keys } from "@/api/queries";

/** Invoices of one period (YYYY-MM), or of every period, newest period first. */
export function useInvoices(period?: string) {
  return useQuery({
    queryKey: keys.invoices(period),
    queryFn: async () => unwrap(await api.GET("/api/invoices", { params: { query: { period: period || undefined } } })),
  });
}

export function useInvoice(invoiceId: string) {
  return useQuery({
    queryKey: keys.invoice(invoiceId),
    queryFn: async () => unwrap(await api.GET("/api/invoices/{invoice_id}", { params: { path: { invoice_id: invoiceId } } })),
  });
}

/** Why a line costs what it does (a 409 for an old line without a stored breakdown). */
export function useExplanation(invoiceId: string, lineId: string | null) {
  return useQuery({
    queryKey: keys.explanation(invoiceId, lineId ?? ""),
    enabled: lineId !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/invoices/{invoice_id}/lines/{line_id}/explanation", {
          params: { path: { invoice_id: invoiceId, line_id: lineId ?? "" } },
        }),
      ),
  });
}
