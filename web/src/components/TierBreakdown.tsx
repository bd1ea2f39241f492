import type { Schemas } from "@/api/client";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDecimal, formatQuantity } from "@/lib/money";

function range(line: Schemas["PreviewLine"]): string {
  if (line.tier_from === null && line.tier_up_to === null) return "—";
  const from = formatQuantity(line.tier_from ?? "0");
  return line.tier_up_to === null ? `${from} and above` : `${from} – ${formatQuantity(line.tier_up_to)}`;
}

/** How a quantity was priced, tier by tier: the API's breakdown, for a preview and for an invoice line. */
export function TierBreakdown({ lines, currency, label }: { lines: Schemas["PreviewLine"][]; currency: string; label: string }) {
  return (
    <Table scrollLabel={label}>
      <thead>
        <tr>
          <Th>Step</Th>
          <Th>Range</Th>
          <Th className="text-right">Quantity</Th>
          <Th className="text-right">Unit price</Th>
          <Th className="text-right">Flat fee</Th>
          <Th className="text-right">Amount</Th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, index) => (
          <tr key={`${line.tier ?? "step"}-${index}`}>
            <Td>{line.description}</Td>
            <Td>{range(line)}</Td>
            <Td className="text-right tabular-nums">{formatQuantity(line.quantity)}</Td>
            <Td className="text-right tabular-nums">{formatDecimal(line.unit_price, currency)}</Td>
            <Td className="text-right tabular-nums">{formatDecimal(line.flat_fee, currency)}</Td>
            <Td className="text-right tabular-nums">{formatDecimal(line.amount, currency)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
