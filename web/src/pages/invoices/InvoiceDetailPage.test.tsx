import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import InvoiceDetailPage from "./InvoiceDetailPage";
import { apiError, apiStub, customer, me, renderPage, sku } from "@/test/billing-pages";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const INVOICE = "c0000000-0000-4000-8000-000000000001";
const CUSTOMER = "11111111-1111-4111-8111-111111111111";
const CALLS = "b0000000-0000-4000-8000-000000000001";
const STORAGE = "b0000000-0000-4000-8000-000000000002";
const LINE_CALLS = "d0000000-0000-4000-8000-000000000001";
const LINE_STORAGE = "d0000000-0000-4000-8000-000000000002";

function line(overrides: Partial<Schemas["InvoiceLine"]> & Pick<Schemas["InvoiceLine"], "id" | "sku_id">): Schemas["InvoiceLine"] {
  return {
    usage_period_start: "2026-11-01",
    price_version_id: "e0000000-0000-4000-8000-000000000001",
    quantity: "1500",
    event_count: 1500,
    amount_unrounded: "0",
    amount_minor: 0,
    ...overrides,
  };
}

function detail(overrides: Partial<Schemas["InvoiceDetail"]> = {}): Schemas["InvoiceDetail"] {
  return {
    id: INVOICE,
    customer_id: CUSTOMER,
    currency: "JPY",
    period_start: "2026-11-01",
    status: "finalized",
    number: 42,
    subtotal_minor: 12346,
    finalized_at: "2026-12-01T03:00:00Z",
    lines: [
      line({ id: LINE_CALLS, sku_id: CALLS, quantity: "1500", amount_unrounded: "12345.5", amount_minor: 12346 }),
      line({ id: LINE_STORAGE, sku_id: STORAGE, quantity: "0.5", event_count: 3, amount_unrounded: "0.4", amount_minor: 0 }),
    ],
    stripe: null,
    ...overrides,
  };
}

const EXPLANATION: Schemas["LineExplanation"] = {
  line: detail().lines![0]!,
  price_version: 3,
  pricing_model: "graduated",
  effective_from: "2026-11-01T00:00:00Z",
  included_quantity: "100",
  minimum_top_up: "0",
  tiers: [
    {
      description: "tier 1",
      tier: 1,
      tier_from: "0",
      tier_up_to: "1000",
      quantity: "900",
      unit_price: "10",
      flat_fee: "0",
      amount: "9000",
    },
    {
      description: "tier 2",
      tier: 2,
      tier_from: "1000",
      tier_up_to: null,
      quantity: "500",
      unit_price: "6.691",
      flat_fee: "0",
      amount: "3345.5",
    },
  ],
  days: [
    { day: "2026-11-03", quantity: "1000", event_count: 1000, event_checksum: "1234567890123456789" },
    { day: "2026-11-04", quantity: "500", event_count: 500, event_checksum: "987654321" },
  ],
  adjustment: null,
};

const FAILED: Schemas["StripeExportStatus"] = {
  state: "failed",
  stripe_invoice_id: "in_1QabcXYZ",
  number: "ABCD-0042",
  hosted_invoice_url: "https://invoice.stripe.com/i/acct_1/test_42",
  error: { code: "customer_tax_location_invalid", message: "The customer's address is not valid for tax." },
  attempts: 3,
  updated_at: "2026-12-01T04:00:00Z",
};

function stub(invoice: Schemas["InvoiceDetail"], explanation: Schemas["LineExplanation"] | Response = EXPLANATION) {
  let current = invoice;
  const api = apiStub({
    "GET /api/invoices/:id": () => current,
    "GET /api/invoices/:id/lines/:line/explanation": () => explanation,
    "POST /api/invoices/:id/stripe/retry": () => {
      const stripe: Schemas["StripeExportStatus"] = { ...FAILED, state: "pending", error: null, attempts: 4 };
      current = { ...current, stripe };
      return stripe;
    },
    "GET /api/customers": () => ({ customers: [customer({ id: CUSTOMER, name: "Tanaka K.K.", currency: "JPY" })], next_cursor: null }),
    "GET /api/skus": () => [sku(CALLS, "API calls"), sku(STORAGE, "Storage")],
  });
  fetchMock.mockImplementation(api.fetch);
  return api;
}

function show(role = "admin") {
  return renderPage(<InvoiceDetailPage />, { path: "/invoices/:invoiceId", route: `/invoices/${INVOICE}`, me: me(role) });
}

describe("InvoiceDetailPage", () => {
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it("shows a JPY invoice's lines and total from minor units, unrounded amounts as decimals", async () => {
    stub(detail());
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Invoice 42" })).toBeInTheDocument();
    const lines = screen.getByRole("table");
    const rows = within(lines).getAllByRole("row");
    // header, two lines, total
    expect(rows).toHaveLength(4);
    await waitFor(() => expect(within(rows[1]!).getByText("API calls")).toBeInTheDocument());
    expect(within(rows[1]!).getByText("¥12,346")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("¥12,345.5")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("¥0")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("¥0.4")).toBeInTheDocument();
    expect(within(rows[3]!).getByText("Total")).toBeInTheDocument();
    expect(within(rows[3]!).getByText("¥12,346")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Print" })).toHaveAttribute("href", `/invoices/${INVOICE}/print`);
  });

  it("shows a KWD draft with three decimals", async () => {
    stub(
      detail({
        currency: "KWD",
        status: "draft",
        number: null,
        finalized_at: null,
        subtotal_minor: 12345,
        lines: [line({ id: LINE_CALLS, sku_id: CALLS, amount_unrounded: "12.3449", amount_minor: 12345 })],
      }),
    );
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Draft Invoice" })).toBeInTheDocument();
    expect(screen.getAllByText(/^KWD\s12\.345$/)).toHaveLength(3); // the summary, the line and the total
    expect(screen.getByText(/^KWD\s12\.3449$/)).toBeInTheDocument();
    expect(screen.getByText(/Drafts are not sent to Stripe/)).toBeInTheDocument();
  });

  it("explains a line: price version, tiers and days", async () => {
    const api = stub(detail());
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByRole("button", { name: "Explain line API calls" }));
    const panel = await screen.findByRole("region", { name: "How this line was priced" });
    expect(api.to("GET", `/api/invoices/${INVOICE}/lines/${LINE_CALLS}/explanation`)).toHaveLength(1);
    await within(panel).findByText("Version 3");
    expect(within(panel).getByText("Graduated tiers")).toBeInTheDocument();
    expect(within(panel).getByText("100")).toBeInTheDocument(); // included quantity

    const [tiers, days] = within(panel).getAllByRole("table");
    const tierRows = within(tiers!).getAllByRole("row").slice(1);
    expect(tierRows).toHaveLength(2);
    expect(within(tierRows[0]!).getByText("tier 1")).toBeInTheDocument();
    expect(within(tierRows[0]!).getByText("0 – 1,000")).toBeInTheDocument();
    expect(within(tierRows[0]!).getByText("¥9,000")).toBeInTheDocument();
    expect(within(tierRows[1]!).getByText("1,000 and above")).toBeInTheDocument();
    expect(within(tierRows[1]!).getByText("¥6.691")).toBeInTheDocument();
    expect(within(tierRows[1]!).getByText("¥3,345.5")).toBeInTheDocument();

    const dayRows = within(days!).getAllByRole("row").slice(1);
    expect(dayRows).toHaveLength(2);
    expect(within(dayRows[0]!).getAllByText("1,000")).toHaveLength(2); // quantity and events
    expect(within(dayRows[0]!).getByText("1234567890123456789")).toBeInTheDocument();
    expect(within(dayRows[1]!).getAllByText("500")).toHaveLength(2);
    expect(panel).toHaveFocus();

    await user.click(within(panel).getByRole("button", { name: "Close the explanation" }));
    expect(screen.queryByRole("region", { name: "How this line was priced" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Explain line API calls" })).toHaveFocus();
  });

  it("shows the API's message for a line without a stored breakdown", async () => {
    const message = "The line was written before lines stored the calculation that priced them.";
    stub(detail(), apiError(409, "conflict", message));
    const user = userEvent.setup();
    show();
    await user.click(await screen.findByRole("button", { name: "Explain line Storage" }));
    const panel = await screen.findByRole("region", { name: "How this line was priced" });
    expect(await within(panel).findByRole("alert")).toHaveTextContent(message);
    expect(within(panel).queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("shows a failed Stripe export, and lets an admin retry it", async () => {
    const api = stub(detail({ stripe: FAILED }));
    const user = userEvent.setup();
    show("admin");
    const stripe = (await screen.findByRole("heading", { level: 2, name: "Stripe" })).closest("div.rounded-lg") as HTMLElement;
    expect(within(stripe).getByText("Failed")).toBeInTheDocument();
    expect(within(stripe).getByText("ABCD-0042")).toBeInTheDocument();
    expect(within(stripe).getByText("The customer's address is not valid for tax.")).toBeInTheDocument();
    const hosted = within(stripe).getByRole("link", { name: /Open hosted invoice/ });
    expect(hosted).toHaveAttribute("href", FAILED.hosted_invoice_url);
    expect(hosted).toHaveAttribute("target", "_blank");
    expect(hosted.getAttribute("rel")).toContain("noopener");

    await user.click(within(stripe).getByRole("button", { name: "Retry export" }));
    await waitFor(() => expect(api.to("POST", `/api/invoices/${INVOICE}/stripe/retry`)).toHaveLength(1));
    expect(await within(stripe).findByText("Pending")).toBeInTheDocument();
    expect(within(stripe).getByRole("status")).toHaveTextContent("Export retried: pending.");
    expect(within(stripe).queryByRole("button", { name: "Retry export" })).not.toBeInTheDocument();
  });

  it("disables the retry, with the reason, for a member", async () => {
    const api = stub(detail({ stripe: FAILED }));
    show("member");
    const retry = await screen.findByRole("button", { name: "Retry export" });
    expect(retry).toBeDisabled();
    expect(retry).toHaveAttribute("title", "Needs the admin role or higher; you are member.");
    expect(screen.getByText("Needs the admin role or higher; you are member.")).toBeInTheDocument();
    expect(api.to("POST", `/api/invoices/${INVOICE}/stripe/retry`)).toHaveLength(0);
  });

  it("offers no retry when the export has not failed", async () => {
    stub(detail({ stripe: { ...FAILED, state: "paid", error: null } }));
    show("admin");
    expect(await screen.findByText("Paid")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry export" })).not.toBeInTheDocument();
  });
});
