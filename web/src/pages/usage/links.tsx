// A customer or SKU by name, linking to its page; a bare id (monospace) when the catalogue does not
// know it (usage for an unknown customer or SKU). Tables that may scroll sideways on a narrow
// screen need something focusable in them, so keyboard users can reach what is off to the side.
import { Link } from "react-router";
import type { useNames } from "@/api/queries";

type Names = ReturnType<typeof useNames>;

const link = "font-medium text-indigo-700 underline-offset-4 hover:underline";

export function CustomerLink({ id, names }: { id: string; names: Names }) {
  return names.customer(id) ? (
    <Link className={link} to={`/customers/${id}`}>
      {names.customerName(id)}
    </Link>
  ) : (
    <span className="font-mono text-xs">{id}</span>
  );
}

export function SkuLink({ id, names }: { id: string; names: Names }) {
  return names.sku(id) ? (
    <Link className={link} to={`/skus/${id}`}>
      {names.skuName(id)}
    </Link>
  ) : (
    <span className="font-mono text-xs">{id}</span>
  );
}
