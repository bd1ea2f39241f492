import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import InvoicePrintPage from "./InvoicePrintPage";
import { ME_ADMIN, apiStub, customer, renderPage, sku } from "@/test/billing-pages";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const INVOICE = "c0000000-0000-4000-8000-000000000001";
const CUSTOMER = "11111111-1111-4111-8111-111111111111";
const CALLS = "b0000000-0000-4000-8000-000000000001";

function detail(overrides: Partial<Schemas["InvoiceDetail"]> = {}): Schemas["InvoiceDetail"] {
  return {
    id: INVOICE,
    customer_id: CUSTOMER,
    currency: "KWD",
    period_start: "2026-11-01",
    status: "finalized",
    number: 42,
    subtotal_minor: 12345,
    finalized_at: "2026-12-01T03:00:00Z",
    lines: [
      {
        id: "d0000000-0000-4000-8000-000000000001",
        sku_id: CALLS,
        usage_period_start: "2026-11-01",
        price_version_id: "e0000000-0000-4000-8000-000000000001",
        quantity: "1500",
        event_count: 1500,
        amount_unrounded: "12.3449",
        amount_minor: 12345,
      },
    ],
    stripe: null,
    ...overrides,
  };
}

function stub(invoice: Schemas["InvoiceDetail"]) {
  const api = apiStub({
    "GET /api/invoices/:id": () => invoice,
    "GET /api/customers/:id": () => customer({ id: CUSTOMER, name: "Gulf Trading", email: "ap@gulf.test", currency: "KWD" }),
    "GET /api/customers": () => ({ customers: [], next_cursor: null }),
    "GET /api/skus": () => [sku(CALLS, "API calls")],
  });
  fetchMock.mockImplementation(api.fetch);
}

function show() {
  return renderPage(<InvoicePrintPage />, { path: "/invoices/:invoiceId/print", route: `/invoices/${INVOICE}/print` });
}

describe("InvoicePrintPage", () => {
  beforeEach(() => {
    fetchMock.mockReset();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prints the merchant, the customer, the lines and the total", async () => {
    stub(detail());
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    const user = userEvent.setup();
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Invoice 42" })).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 1 })).toHaveLength(1);
    expect(screen.getByText(ME_ADMIN.merchant_name)).toBeInTheDocument();
    expect(await screen.findByText("Gulf Trading")).toBeInTheDocument();
    expect(screen.getByText("ap@gulf.test")).toBeInTheDocument();

    const table = screen.getByRole("table", { name: "Invoice lines" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3); // header, the line, the total
    await waitFor(() => expect(within(rows[1]!).getByText("API calls")).toBeInTheDocument());
    expect(within(rows[1]!).getByText("1,500")).toBeInTheDocument();
    expect(within(rows[1]!).getByText(/^KWD\s12\.345$/)).toBeInTheDocument();
    expect(within(rows[2]!).getByText(/^KWD\s12\.345$/)).toBeInTheDocument();

    // The controls are for the screen only.
    const back = screen.getByRole("link", { name: "Back to invoice" });
    expect(back).toHaveAttribute("href", `/invoices/${INVOICE}`);
    expect(back.parentElement).toHaveClass("print:hidden");
    await user.click(screen.getByRole("button", { name: "Print" }));
    expect(print).toHaveBeenCalledOnce();
  });

  it("marks a draft as DRAFT, with no issue date", async () => {
    stub(detail({ status: "draft", number: null, finalized_at: null }));
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Invoice DRAFT" })).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 1 })).toHaveLength(1);
    expect(screen.getByText("Not issued yet")).toBeInTheDocument();
  });
});
