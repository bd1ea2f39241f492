import { ChevronLeft, ChevronRight, Plus } from "lucide-react";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { useSession } from "@/auth/session";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page";
import { Empty, QueryView } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate } from "@/lib/dates";
import { CustomerFormDialog } from "./CustomerFormDialog";
import { useCustomerPage } from "./queries";

const DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

export default function CustomersPage() {
  const { denied } = useSession();
  const [searchText, setSearchText] = useState("");
  const search = useDebounced(searchText.trim(), DEBOUNCE_MS);
  const [includeArchived, setIncludeArchived] = useState(false);
  // The cursors of the pages before this one (keyset pagination), for the list they belong to:
  // a new search or the archived toggle starts again from the first page.
  const listKey = JSON.stringify([search, includeArchived]);
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: listKey, cursors: [] });
  const cursors = paging.key === listKey ? paging.cursors : [];
  const page = useCustomerPage(search, includeArchived, cursors.at(-1));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const readOnly = denied("writeCatalog");

  return (
    <div>
      <PageHeader
        title="Customers"
        description="The people and companies you bill. Your usage events name them by ID."
        actions={
          <Button onClick={() => setCreating(true)} disabledReason={readOnly}>
            <Plus className="h-4 w-4" aria-hidden />
            New customer
          </Button>
        }
      />
      {readOnly && <p className="-mt-4 mb-4 text-sm text-slate-600">{readOnly}</p>}
      <CustomerFormDialog open={creating} onOpenChange={setCreating} onSaved={(customer) => setCreated(customer.name)} />
      <p role="status" className="mb-2 text-sm text-emerald-800 empty:hidden">
        {created ? `Customer created: ${created}.` : ""}
      </p>

      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field label="Search customers" className="sm:w-80" hint="Name, email or exact ID.">
          <Input type="search" value={searchText} onChange={(event) => setSearchText(event.target.value)} />
        </Field>
        <label className="flex items-center gap-2 pb-2 text-sm text-slate-800">
          <input
            type="checkbox"
            className="h-4 w-4 rounded border-slate-300 accent-indigo-600"
            checked={includeArchived}
            onChange={(event) => setIncludeArchived(event.target.checked)}
          />
          Show archived
        </label>
      </div>

      <Card>
        <QueryView
          query={page}
          label="Loading customers"
          isEmpty={(data) => data.customers.length === 0 && cursors.length === 0}
          empty={
            search ? (
              <Empty title="No customers match">Nothing matches “{search}”. Search by name, email or the exact ID.</Empty>
            ) : (
              <Empty title="No customers yet">
                Create one here, or send a PUT to the ingest API&apos;s /v1/customers/&#123;id&#125; from your backend. Usage
                of an ID that is not a customer yet is kept, and shows as unpriced until the customer exists.
              </Empty>
            )
          }
        >
          {(data) => (
            <>
              <Table aria-busy={page.isPlaceholderData || undefined}>
                <thead>
                  <tr>
                    <Th>Name</Th>
                    <Th>ID</Th>
                    <Th>Currency</Th>
                    <Th>Email</Th>
                    <Th>Created</Th>
                  </tr>
                </thead>
                <tbody>
                  {data.customers.map((customer) => (
                    <tr key={customer.id}>
                      <Td>
                        <Link to={`/customers/${customer.id}`} className="font-medium text-indigo-700 hover:underline">
                          {customer.name}
                        </Link>{" "}
                        {customer.archived_at && <Badge>Archived</Badge>}
                      </Td>
                      <Td className="font-mono text-xs">{customer.id}</Td>
                      <Td>{customer.currency}</Td>
                      <Td>{customer.email ?? "—"}</Td>
                      <Td>{formatDate(customer.created_at)}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <nav aria-label="Pages of customers" className="flex items-center justify-between gap-2 px-4 py-3">
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={cursors.length === 0}
                  onClick={() => setPaging({ key: listKey, cursors: cursors.slice(0, -1) })}
                >
                  <ChevronLeft className="h-4 w-4" aria-hidden />
                  Previous page
                </Button>
                <span className="text-sm text-slate-600">Page {cursors.length + 1}</span>
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={!data.next_cursor || page.isPlaceholderData}
                  onClick={() => data.next_cursor && setPaging({ key: listKey, cursors: [...cursors, data.next_cursor] })}
                >
                  Next page
                  <ChevronRight className="h-4 w-4" aria-hidden />
                </Button>
              </nav>
            </>
          )}
        </QueryView>
      </Card>
    </div>
  );
}
