import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { apiError, apiStub, customer, me, renderPage, sku } from "@/test/billing-pages";
import CustomerDetailPage from "./CustomerDetailPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const ID = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const CALLS = "b0000000-0000-4000-8000-000000000001";
const ACME = customer({ id: ID, name: "Acme Inc", email: "billing@acme.test", metadata: { crm_id: "0012345" } });

const USAGE: Schemas["Usage"] = {
  sent_from: "2026-12-01T00:00:00Z",
  sent_to: "2027-01-01T00:00:00Z",
  group_by: ["sku"],
  rows: [{ sku_id: CALLS, quantity: "1234567.5", events: 4200 }],
  estimated_cost: {
    totals: [{ currency: "USD", amount: "1234.5675", amount_minor: 123457 }],
    unpriced: [],
    note: "Each customer and SKU's quantity over the window, rated at the prices in force now.",
  },
};

function invoice(id: string, customerId: string, number: number | null, minor: number): Schemas["Invoice"] {
  return {
    id,
    customer_id: customerId,
    currency: "USD",
    period_start: "2026-11-01",
    status: number === null ? "draft" : "finalized",
    number,
    subtotal_minor: minor,
    finalized_at: number === null ? null : "2026-12-01T03:00:00Z",
    lines: [],
  };
}

function stub(current: Schemas["Customer"] = ACME) {
  let state = current;
  const api = apiStub({
    "GET /api/customers/:id": () => state,
    "PUT /api/customers/:id": ({ body }) => {
      state = { ...state, ...(body as Schemas["CustomerIn"]), email: (body as Schemas["CustomerIn"]).email ?? null };
      return state;
    },
    "POST /api/customers/:id/archive": () => {
      state = { ...state, archived_at: "2026-12-02T09:00:00Z" };
      return state;
    },
    "GET /api/customers": () => ({ customers: [state], next_cursor: null }),
    "GET /api/skus": () => [sku(CALLS, "API calls")],
    "GET /api/usage": () => USAGE,
    "GET /api/invoices": () => [
      invoice("c0000000-0000-4000-8000-000000000001", ID, 7, 99),
      invoice("c0000000-0000-4000-8000-000000000002", OTHER, 8, 555),
      invoice("c0000000-0000-4000-8000-000000000003", ID, null, 123457),
    ],
  });
  fetchMock.mockImplementation(api.fetch);
  return api;
}

function show(role = "member") {
  return renderPage(<CustomerDetailPage />, { path: "/customers/:customerId", route: `/customers/${ID}`, me: me(role) });
}

function card(name: string): HTMLElement {
  return screen.getByRole("heading", { level: 2, name }).closest("div.rounded-lg") as HTMLElement;
}

describe("CustomerDetailPage", () => {
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it("shows the customer, this period's usage per SKU with its estimated cost, and only its invoices", async () => {
    const api = stub();
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Acme Inc" })).toBeInTheDocument();
    expect(screen.getByText("billing@acme.test")).toBeInTheDocument();
    expect(screen.getByText("crm_id")).toBeInTheDocument();

    const usage = card("Usage this period");
    await within(usage).findByText("1,234,567.5");
    await waitFor(() => expect(within(usage).getByText("API calls")).toBeInTheDocument());
    expect(within(usage).getByText("4,200")).toBeInTheDocument();
    expect(within(usage).getByText(/\$1,234\.57/)).toBeInTheDocument();
    const query = api.to("GET", "/api/usage")[0]!.url.searchParams;
    expect(query.get("customer_id")).toBe(ID);
    expect(query.get("include_cost")).toBe("true");
    expect(query.getAll("group_by")).toEqual(["sku"]);

    const invoices = card("Invoices");
    await within(invoices).findByText("$0.99");
    expect(within(invoices).getAllByRole("link", { name: /^Invoice/ })).toHaveLength(2);
    expect(within(invoices).getByText("$1,234.57")).toBeInTheDocument();
    expect(within(invoices).queryByText("$5.55")).not.toBeInTheDocument(); // another customer's
  });

  it("edits the customer: same fields without the ID, saved with PUT", async () => {
    const api = stub();
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByRole("button", { name: "Edit customer" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit customer" });
    expect(within(dialog).queryByLabelText("Customer ID")).not.toBeInTheDocument();
    expect(within(dialog).getByLabelText("Name")).toHaveValue("Acme Inc");
    expect(within(dialog).getByLabelText("Metadata")).toHaveValue('{\n  "crm_id": "0012345"\n}');
    await user.clear(within(dialog).getByLabelText("Name"));
    await user.type(within(dialog).getByLabelText("Name"), "Acme Corporation");
    await user.clear(within(dialog).getByLabelText("Email"));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Acme Corporation" })).toBeInTheDocument();
    expect(api.to("PUT", `/api/customers/${ID}`)[0]!.body).toEqual({
      name: "Acme Corporation",
      currency: "USD",
      email: null,
      metadata: { crm_id: "0012345" },
    });
  });

  it("archives after a confirmation", async () => {
    const api = stub();
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByRole("button", { name: "Archive customer" }));
    const dialog = await screen.findByRole("dialog");
    expect(api.to("POST", `/api/customers/${ID}/archive`)).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Archive" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(api.to("POST", `/api/customers/${ID}/archive`)).toHaveLength(1);
    expect(screen.getByText("Archived", { selector: "span" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Archive customer" })).toBeDisabled();
  });

  it("disables editing for a viewer", async () => {
    stub();
    show("viewer");
    expect(await screen.findByRole("button", { name: "Edit customer" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Archive customer" })).toBeDisabled();
  });

  it("says when there is no such customer", async () => {
    const api = apiStub({ "GET /api/customers/:id": () => apiError(404, "not_found", `No customer ${ID}.`) });
    fetchMock.mockImplementation(api.fetch);
    show();
    expect(await screen.findByRole("alert")).toHaveTextContent(`No customer ${ID}.`);
  });
});
