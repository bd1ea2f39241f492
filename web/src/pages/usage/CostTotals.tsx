// An estimate's total per currency: the exact sum of the unrounded lines, and the sum of the lines
// each rounded to minor units (what an invoice would show) when the two differ.
import type { Schemas } from "@/api/client";
import { formatDecimal, formatMinor } from "@/lib/money";

export function CostTotals({ totals }: { totals: Schemas["CurrencyTotal"][] }) {
  return (
    <ul className="space-y-2">
      {totals.map((total) => {
        const exact = formatDecimal(total.amount, total.currency);
        const rounded = formatMinor(total.amount_minor, total.currency);
        return (
          <li key={total.currency}>
            <span className="text-2xl font-semibold tabular-nums text-slate-900">{exact}</span>{" "}
            <span className="text-sm text-slate-700">{total.currency}</span>
            {rounded !== exact && (
              <p className="text-sm text-slate-700">{rounded} once each line is rounded to minor units, as on an invoice</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
