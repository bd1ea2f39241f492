import { X } from "lucide-react";
import { type ReactNode, useEffect, useId, useRef } from "react";
import type { Schemas } from "@/api/client";
import { ApiError } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { ErrorState, Loading } from "@/components/ui/states";
import { TierBreakdown } from "@/components/TierBreakdown";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatDateTime, formatPeriod } from "@/lib/dates";
import { formatDecimal, formatMinor, formatQuantity } from "@/lib/money";
import { type InvoiceLine, pricingModelLabel } from "./invoice-text";
import { useExplanation } from "./queries";

export const EXPLANATION_ID = "line-explanation";

interface Props {
  invoiceId: string;
  currency: string;
  line: InvoiceLine;
  skuName: string;
  onClose: () => void;
}

/** "How this line was priced": the price version, the tier-by-tier calculation and the days counted. */
export function LineExplanationPanel({ invoiceId, currency, line, skuName, onClose }: Props) {
  const explanation = useExplanation(invoiceId, line.id);
  const headingId = useId();
  const panel = useRef<HTMLElement>(null);

  // Opening (or switching) the explanation moves focus to it, so a keyboard user lands on it.
  useEffect(() => {
    panel.current?.focus();
    panel.current?.scrollIntoView?.({ block: "nearest" });
  }, [line.id]);

  return (
    <Card className="mt-6">
      <section
        id={EXPLANATION_ID}
        ref={panel}
        tabIndex={-1}
        aria-labelledby={headingId}
        className="focus:outline-none"
        onKeyDown={(event) => {
          if (event.key === "Escape") onClose();
        }}
      >
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-200 px-4 py-3 sm:px-5">
          <div className="min-w-0">
            <h2 id={headingId} className="text-base font-semibold text-slate-900">
              How this line was priced
            </h2>
            <p className="mt-0.5 text-sm text-slate-600">
              {skuName}, usage of {formatPeriod(line.usage_period_start)}: {formatQuantity(line.quantity)} units from{" "}
              {line.event_count} events, {formatMinor(line.amount_minor, currency)}.
            </p>
          </div>
          <Button variant="ghost" size="sm" onClick={onClose} aria-label="Close the explanation">
            <X className="h-4 w-4" aria-hidden />
            Close
          </Button>
        </div>
        <CardBody>
          {explanation.isPending ? (
            <Loading label="Loading the explanation" />
          ) : explanation.isError ? (
            <ErrorState
              error={explanation.error}
              retry={explanation.error instanceof ApiError && explanation.error.status < 500 ? undefined : () => void explanation.refetch()}
            />
          ) : (
            <ExplanationBody explanation={explanation.data} currency={currency} />
          )}
        </CardBody>
      </section>
    </Card>
  );
}

function Term({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function ExplanationBody({ explanation, currency }: { explanation: Schemas["LineExplanation"]; currency: string }) {
  const { line, adjustment } = explanation;
  return (
    <div className="space-y-6">
      <dl className="grid gap-4 sm:grid-cols-3">
        <Term label="Price version">Version {explanation.price_version}</Term>
        <Term label="Pricing model">{pricingModelLabel(explanation.pricing_model)}</Term>
        <Term label="Effective from">{formatDateTime(explanation.effective_from)}</Term>
        <Term label="Included quantity">{formatQuantity(explanation.included_quantity)}</Term>
        <Term label="Minimum top-up">{formatDecimal(explanation.minimum_top_up, currency)}</Term>
        <Term label="Line amount">
          {formatMinor(line.amount_minor, currency)}{" "}
          <span className="text-slate-600">(unrounded {formatDecimal(line.amount_unrounded, currency)})</span>
        </Term>
      </dl>

      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">Tier breakdown</h3>
        {adjustment && (
          <p className="mb-2 text-sm text-slate-600">The calculation of the whole period, as it is rated now.</p>
        )}
        {explanation.tiers.length === 0 ? (
          <p className="text-sm text-slate-600">No tiers: nothing was charged beyond the included quantity.</p>
        ) : (
          <TierBreakdown lines={explanation.tiers} currency={currency} label="Tier breakdown" />
        )}
      </div>

      {adjustment && (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-900">Adjustment</h3>
          <p className="mb-3 text-sm text-slate-600">
            Usage of {formatPeriod(line.usage_period_start)} arrived after its invoice was finalised: the period is rated again as a
            whole, less what its invoices already billed.
          </p>
          <dl className="grid gap-4 sm:grid-cols-2">
            <Term label="Period quantity now">{formatQuantity(adjustment.period_quantity)}</Term>
            <Term label="Period amount now">{formatMinor(adjustment.period_amount_minor, currency)}</Term>
            <Term label="Quantity already billed">{formatQuantity(adjustment.billed_quantity)}</Term>
            <Term label="Amount already billed">{formatMinor(adjustment.billed_minor, currency)}</Term>
          </dl>
        </div>
      )}

      <div>
        <h3 className="mb-2 text-sm font-semibold text-slate-900">Days</h3>
        {explanation.days.length === 0 ? (
          <p className="text-sm text-slate-600">No daily usage is stored for this period.</p>
        ) : (
          <Table scrollLabel="Days">
            <thead>
              <tr>
                <Th>Day</Th>
                <Th className="text-right">Quantity</Th>
                <Th className="text-right">Events</Th>
                <Th>Event checksum</Th>
              </tr>
            </thead>
            <tbody>
              {explanation.days.map((day) => (
                <tr key={day.day}>
                  <Td>{formatDate(day.day)}</Td>
                  <Td className="text-right tabular-nums">{formatQuantity(day.quantity)}</Td>
                  <Td className="text-right tabular-nums">{day.event_count.toLocaleString()}</Td>
                  <Td className="font-mono text-xs">{day.event_checksum}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <p className="mt-2 text-xs text-slate-600">
          Each day&apos;s checksum is the XOR of the hashes of its counted event ids: compare it with your own records to check
          that the same events were counted.
        </p>
      </div>
    </div>
  );
}
