import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { formatPeriod } from "@/lib/dates";
import InvoicesPage from "./InvoicesPage";
import { recentPeriods } from "./invoice-text";
import { apiStub, customer, renderPage, sku } from "@/test/billing-pages";

// The API client keeps the fetch it was created with: the stub must be in place before it loads.
const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const ACME = "11111111-1111-4111-8111-111111111111";
const TANAKA = "22222222-2222-4222-8222-222222222222";
const GULF = "33333333-3333-4333-8333-333333333333";
const [THIS_PERIOD = "", LAST_PERIOD = ""] = recentPeriods(2);

function invoice(overrides: Partial<Schemas["Invoice"]> & Pick<Schemas["Invoice"], "id" | "customer_id">): Schemas["Invoice"] {
  return {
    currency: "USD",
    period_start: `${THIS_PERIOD}-01`,
    status: "draft",
    number: null,
    subtotal_minor: 0,
    finalized_at: null,
    lines: [],
    ...overrides,
  };
}

const INVOICES: Schemas["Invoice"][] = [
  invoice({ id: "a0000000-0000-4000-8000-000000000001", customer_id: ACME, subtotal_minor: 123456 }),
  invoice({ id: "a0000000-0000-4000-8000-000000000002", customer_id: TANAKA, currency: "JPY", subtotal_minor: 500 }),
  invoice({
    id: "a0000000-0000-4000-8000-000000000003",
    customer_id: GULF,
    currency: "KWD",
    period_start: `${LAST_PERIOD}-01`,
    status: "finalized",
    number: 8,
    subtotal_minor: 12345,
    finalized_at: `${THIS_PERIOD}-03T01:00:00Z`,
  }),
  invoice({
    id: "a0000000-0000-4000-8000-000000000004",
    customer_id: ACME,
    period_start: `${LAST_PERIOD}-01`,
    status: "finalized",
    number: 7,
    subtotal_minor: 99,
    finalized_at: `${THIS_PERIOD}-03T01:00:00Z`,
  }),
];

function stub(invoices: Schemas["Invoice"][] = INVOICES) {
  const api = apiStub({
    "GET /api/invoices": ({ url }) => {
      const period = url.searchParams.get("period");
      return period ? invoices.filter((item) => item.period_start.startsWith(period)) : invoices;
    },
    "GET /api/customers": () => ({
      customers: [
        customer({ id: ACME, name: "Acme Inc" }),
        customer({ id: TANAKA, name: "Tanaka K.K.", currency: "JPY" }),
        customer({ id: GULF, name: "Gulf Trading", currency: "KWD" }),
      ],
      next_cursor: null,
    }),
    "GET /api/skus": () => [sku("b0000000-0000-4000-8000-000000000001", "API calls")],
  });
  fetchMock.mockImplementation(api.fetch);
  return api;
}

function invoiceLinks() {
  return screen.getAllByRole("link", { name: /^Invoice/ });
}

describe("InvoicesPage", () => {
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it("shows each invoice's amount from its minor units, in its currency's exponent", async () => {
    stub();
    renderPage(<InvoicesPage />, { path: "/invoices", route: "/invoices" });
    expect(screen.getByRole("heading", { level: 1, name: "Invoices" })).toBeInTheDocument();
    expect(await screen.findByText("$1,234.56")).toBeInTheDocument();
    expect(screen.getByText("¥500")).toBeInTheDocument(); // JPY: no minor unit
    expect(screen.getByText(/^KWD\s12\.345$/)).toBeInTheDocument(); // KWD: three decimals
    expect(screen.getByText("$0.99")).toBeInTheDocument();

    // Every row links to its invoice, and says whose invoice it is.
    await waitFor(() => expect(screen.getByRole("link", { name: `Invoice 8 for Gulf Trading ${formatPeriod(LAST_PERIOD)}` })).toBeInTheDocument());
    const draft = screen.getByRole("link", { name: `Invoice for Tanaka K.K. ${formatPeriod(THIS_PERIOD)} (draft)` });
    expect(draft).toHaveAttribute("href", "/invoices/a0000000-0000-4000-8000-000000000002");
    expect(draft).toHaveTextContent(`Draft ${formatPeriod(THIS_PERIOD)}`);
    expect(invoiceLinks()).toHaveLength(4);
  });

  it("filters by status and customer without asking the API again", async () => {
    const api = stub();
    const user = userEvent.setup();
    renderPage(<InvoicesPage />, { path: "/invoices", route: "/invoices" });
    await screen.findByText("$1,234.56");
    const before = api.to("GET", "/api/invoices").length;

    await user.selectOptions(screen.getByLabelText("Status"), "Finalized");
    expect(invoiceLinks().map((link) => link.textContent)).toEqual(["8", "7"]);
    expect(screen.getByTestId("location")).toHaveTextContent("/invoices?status=finalized");

    await user.selectOptions(screen.getByLabelText("Customer"), "Acme Inc");
    expect(invoiceLinks().map((link) => link.textContent)).toEqual(["7"]);
    expect(screen.getByText("1 of 4 invoices")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Status"), "Draft");
    expect(invoiceLinks()).toHaveLength(1);
    expect(within(invoiceLinks()[0]!.closest("tr")!).getByText("$1,234.56")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Customer"), "Gulf Trading");
    expect(screen.queryAllByRole("link", { name: /^Invoice/ })).toHaveLength(0);
    expect(screen.getByText("No invoices match these filters")).toBeInTheDocument();

    expect(api.to("GET", "/api/invoices")).toHaveLength(before);
    expect(api.to("GET", "/api/invoices").every((call) => !call.url.searchParams.has("status"))).toBe(true);
  });

  it("sends the period to the API as ?period=YYYY-MM", async () => {
    const api = stub();
    const user = userEvent.setup();
    renderPage(<InvoicesPage />, { path: "/invoices", route: "/invoices" });
    await screen.findByText("$1,234.56");
    expect(api.to("GET", "/api/invoices")[0]!.url.searchParams.has("period")).toBe(false);

    await user.selectOptions(screen.getByLabelText("Period"), formatPeriod(LAST_PERIOD));
    await waitFor(() => expect(invoiceLinks()).toHaveLength(2));
    const last = api.to("GET", "/api/invoices").at(-1)!;
    expect(last.url.searchParams.get("period")).toBe(LAST_PERIOD);
    expect(screen.queryByText("$1,234.56")).not.toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent(`/invoices?period=${LAST_PERIOD}`);

    await user.selectOptions(screen.getByLabelText("Period"), "All periods");
    await waitFor(() => expect(invoiceLinks()).toHaveLength(4));
  });

  it("reads its filters from the address", async () => {
    const api = stub();
    renderPage(<InvoicesPage />, { path: "/invoices", route: `/invoices?period=${LAST_PERIOD}&customer=${GULF}` });
    await waitFor(() => expect(invoiceLinks().map((link) => link.textContent)).toEqual(["8"]));
    expect(api.to("GET", "/api/invoices")[0]!.url.searchParams.get("period")).toBe(LAST_PERIOD);
    expect(screen.getByLabelText("Customer")).toHaveValue(GULF);
  });

  it("explains that invoices appear after rating when there are none", async () => {
    stub([]);
    renderPage(<InvoicesPage />, { path: "/invoices", route: "/invoices" });
    expect(await screen.findByText("No invoices yet")).toBeInTheDocument();
    expect(screen.getByText(/Invoices appear after rating/)).toBeInTheDocument();
  });

  it("shows the API's error", async () => {
    const api = apiStub({});
    fetchMock.mockImplementation(api.fetch);
    renderPage(<InvoicesPage />, { path: "/invoices", route: "/invoices" });
    expect(await screen.findByRole("alert")).toHaveTextContent("No stub for GET /api/invoices");
  });
});
