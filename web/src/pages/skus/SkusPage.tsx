import { Plus } from "lucide-react";
import { useId, useState } from "react";
import { Link } from "react-router";
import { useSkus } from "@/api/queries";
import { useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page";
import { Empty, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { modelLabel, priceSummary } from "./pricing";

export default function SkusPage() {
  const { denied } = useSession();
  const [showArchived, setShowArchived] = useState(false);
  const skus = useSkus(showArchived);
  const toggleId = useId();
  const reason = denied("writeCatalog");
  const newSku = reason ? (
    <Button disabledReason={reason}>
      <Plus className="h-4 w-4" aria-hidden />
      New SKU
    </Button>
  ) : (
    <Button asChild>
      <Link to="/skus/new">
        <Plus className="h-4 w-4" aria-hidden />
        New SKU
      </Link>
    </Button>
  );
  return (
    <>
      <PageHeader
        title="SKUs & pricing"
        description="What you sell, in which unit, and its price: each price change is a new version from a date."
        actions={newSku}
      />
      {reason && <p className="-mt-3 mb-4 text-sm text-slate-700">{reason} You can look at SKUs and preview prices.</p>}
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3 sm:px-5">
          <h2 className="text-base font-semibold text-slate-900">Catalogue</h2>
          <div className="flex items-center gap-2">
            <input
              id={toggleId}
              type="checkbox"
              className="h-4 w-4 rounded border-slate-400 accent-indigo-600"
              checked={showArchived}
              onChange={(event) => setShowArchived(event.target.checked)}
            />
            <label htmlFor={toggleId} className="text-sm text-slate-800">
              Show archived
            </label>
          </div>
        </div>
        <QueryView
          query={skus}
          label="Loading SKUs"
          isEmpty={(data) => data.length === 0}
          empty={
            <Empty title="No SKUs yet">
              A SKU is a thing you bill for by usage (API calls, GB stored) with its price.{" "}
              {!reason && (
                <Link className="font-medium text-indigo-700 hover:underline" to="/skus/new">
                  Create your first SKU
                </Link>
              )}
            </Empty>
          }
        >
          {(data) => (
            <Table>
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Unit</Th>
                  <Th>Currency</Th>
                  <Th>Model</Th>
                  <Th>Price</Th>
                  <Th>Status</Th>
                </tr>
              </thead>
              <tbody>
                {data.map((sku) => (
                  <tr key={sku.id}>
                    <Td>
                      <Link className="font-medium text-indigo-700 hover:underline" to={`/skus/${sku.id}`}>
                        {sku.name}
                      </Link>
                    </Td>
                    <Td>{sku.unit}</Td>
                    <Td>{sku.currency}</Td>
                    <Td>{sku.current_price ? modelLabel(sku.current_price.model) : "—"}</Td>
                    <Td className="max-w-md whitespace-normal">
                      {sku.current_price ? priceSummary(sku.current_price, sku.currency, sku.unit).join("; ") : "No price in force yet"}
                    </Td>
                    <Td>{sku.archived_at ? <Badge>Archived</Badge> : <Badge tone="good">Active</Badge>}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </QueryView>
      </Card>
    </>
  );
}
