// Usage that cannot be priced, per customer and SKU, with why (the overview and the usage page).
import { Link } from "react-router";
import type { Schemas } from "@/api/client";
import type { useNames } from "@/api/queries";
import { Table, Td, Th } from "@/components/ui/table";
import { formatQuantity } from "@/lib/money";
import { reasonText } from "./labels";

const link = "font-medium text-indigo-700 underline-offset-4 hover:underline";

export function UnpricedTable({ rows, names }: { rows: Schemas["Unpriced"][]; names: ReturnType<typeof useNames> }) {
  return (
    <Table className="min-w-[44rem]">
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
              {names.customer(row.customer_id) ? (
                <Link className={link} to={`/customers/${row.customer_id}`}>
                  {names.customerName(row.customer_id)}
                </Link>
              ) : (
                <span className="font-mono text-xs">{row.customer_id}</span>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {names.sku(row.sku_id) ? (
                <Link className={link} to={`/skus/${row.sku_id}`}>
                  {names.skuName(row.sku_id)}
                </Link>
              ) : (
                <span className="font-mono text-xs">{row.sku_id}</span>
              )}
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
