// Usage that cannot be priced, per customer and SKU, with why (the overview and the usage page).
import type { Schemas } from "@/api/client";
import type { useNames } from "@/api/queries";
import { Table, Td, Th } from "@/components/ui/table";
import { formatQuantity } from "@/lib/money";
import { reasonText } from "./labels";
import { CustomerLink, SkuLink } from "./links";

export function UnpricedTable({ rows, names }: { rows: Schemas["Unpriced"][]; names: ReturnType<typeof useNames> }) {
  return (
    <Table className="min-w-[44rem]" scrollLabel="Unpriced usage rows">
      <thead>
        <tr>
          <Th>Customer</Th>
          <Th>SKU</Th>
          <Th className="text-right">Events</Th>
          <Th className="text-right">Quantity</Th>
          <Th>Reasons</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.customer_id} ${row.sku_id}`}>
            <Td className="whitespace-nowrap">
              <CustomerLink id={row.customer_id} names={names} />
            </Td>
            <Td className="whitespace-nowrap">
              <SkuLink id={row.sku_id} names={names} />
            </Td>
            <Td className="text-right tabular-nums">{row.events.toLocaleString()}</Td>
            <Td className="text-right tabular-nums">{formatQuantity(row.quantity)}</Td>
            <Td className="whitespace-normal">
              <ul className="list-disc space-y-0.5 pl-4">
                {row.reasons.map((reason) => (
                  <li key={reason}>{reasonText(reason)}</li>
                ))}
              </ul>
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
