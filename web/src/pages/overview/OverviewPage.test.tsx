// The stub must be imported before the page (the API client takes `fetch` when it loads).
import {
  CUSTOMER_ACME,
  CUSTOMER_GLOBEX,
  SKU_API,
  SKU_STORAGE,
  type StubRequest,
  apiError,
  catalogue,
  renderPage,
  requestsTo,
  stubApi,
  stubLayout,
} from "@/test/stubbed-api";
import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import OverviewPage from "./OverviewPage";

const UNKNOWN_CUSTOMER = "dddddddd-0000-4000-8000-000000000009";
const WINDOW = { sent_from: "2026-11-01T00:00:00Z", sent_to: "2026-12-01T00:00:00Z" };

function usage(request: StubRequest, daily: unknown[]) {
  const groups = request.query.getAll("group_by");
  if (groups.includes("day")) return { ...WINDOW, group_by: groups, rows: daily, estimated_cost: null };
  return {
    ...WINDOW,
    group_by: groups,
    rows: [
      { day: null, customer_id: null, sku_id: SKU_API, quantity: "1234567.5", events: 1200 },
      { day: null, customer_id: null, sku_id: SKU_STORAGE, quantity: "0.25", events: 34 },
    ],
    estimated_cost: {
      note: "Each customer and SKU's quantity over the window, rated at the prices in force now.",
      // 16 and 24 significant digits: through a float the second would print as €0.30.
      totals: [
        { currency: "USD", amount: "12345678901234.56", amount_minor: 1234567890123456 },
        { currency: "EUR", amount: "0.30000000000000000000001", amount_minor: 30 },
      ],
      unpriced: [
        { customer_id: UNKNOWN_CUSTOMER, sku_id: SKU_API, quantity: "5", events: 5, reasons: ["unknown_customer"] },
      ],
    },
  };
}

function invoice(id: string, period: string, status: string, number: number | null, subtotal: number) {
  return {
    id,
    customer_id: CUSTOMER_ACME,
    currency: "USD",
    period_start: period,
    status,
    number,
    subtotal_minor: subtotal,
    finalized_at: status === "finalized" ? `${period}T12:00:00Z` : null,
  };
}

function routes(daily: unknown[], unpriced: unknown[] = []) {
  return {
    ...catalogue,
    "GET /api/usage": (request: StubRequest) => usage(request, daily),
    "GET /api/usage/unpriced": () => ({ ...WINDOW, rows: unpriced }),
    "GET /api/invoices": () => [
      invoice("11111111-0000-4000-8000-000000000001", "2026-11-01", "draft", null, Number.MAX_SAFE_INTEGER),
      invoice("11111111-0000-4000-8000-000000000002", "2026-10-01", "finalized", 7, 123456),
      ...["2026-09-01", "2026-08-01", "2026-07-01", "2026-06-01"].map((period, i) =>
        invoice(`11111111-0000-4000-8000-00000000001${i}`, period, "finalized", 6 - i, 100),
      ),
    ],
  };
}

describe("OverviewPage", () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    stubLayout();
  });

  it("shows the estimated bill from the decimal strings, digit for digit, with the API's note", async () => {
    stubApi(routes([]));
    renderPage(<OverviewPage />);
    expect(screen.getByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    const period = await screen.findByRole("region", { name: "Current period" });
    expect(await within(period).findByText("$12,345,678,901,234.56")).toBeInTheDocument();
    // The rounded sum equals the exact one here, so it is not repeated.
    expect(within(period).getAllByText(/12,345,678,901,234\.56/)).toHaveLength(1);
    expect(within(period).getByText("€0.30000000000000000000001")).toBeInTheDocument();
    expect(within(period).getByText(/€0\.30 once each line is rounded/)).toBeInTheDocument();
    expect(within(period).getByRole("heading", { name: "Estimated bill" })).toBeInTheDocument();
    expect(within(period).getByText(/rated at the prices in force now/)).toBeInTheDocument();
    expect(within(period).getByText("November 2026")).toBeInTheDocument();
    // Usage totals: events summed, quantities exact per SKU.
    expect(within(period).getByText("1,234")).toBeInTheDocument();
    expect(await within(period).findByText("API calls")).toBeInTheDocument();
    expect(within(period).getByText(/1,234,567\.5 request/)).toBeInTheDocument();
    expect(within(period).getByText(/0\.25 GB/)).toBeInTheDocument();
    expect(within(period).getByText(/Not included: 1 customer and SKU pair/)).toBeInTheDocument();
    const [totals] = requestsTo("/api/usage").filter((r) => r.query.get("include_cost") === "true");
    expect(totals?.query.getAll("group_by")).toEqual(["sku"]);
  });

  it("lists unpriced usage with its reasons in words", async () => {
    stubApi(
      routes(
        [],
        [
          { customer_id: UNKNOWN_CUSTOMER, sku_id: SKU_API, quantity: "5.5", events: 5, reasons: ["unknown_customer"] },
          {
            customer_id: CUSTOMER_GLOBEX,
            sku_id: SKU_STORAGE,
            quantity: "10",
            events: 2,
            reasons: ["no_price_in_force", "some_new_code"],
          },
        ],
      ),
    );
    renderPage(<OverviewPage />);
    const card = await screen.findByRole("region", { name: "Unpriced usage" });
    expect(await within(card).findByText(/No customer with this ID/)).toBeInTheDocument();
    expect(within(card).getByText(/has no price in force now/)).toBeInTheDocument();
    expect(within(card).getByText("some new code")).toBeInTheDocument();
    expect(within(card).getByText(UNKNOWN_CUSTOMER)).toBeInTheDocument();
    expect(await within(card).findByRole("link", { name: "Globex" })).toHaveAttribute("href", `/customers/${CUSTOMER_GLOBEX}`);
    expect(within(card).getByText("5.5")).toBeInTheDocument();
    expect(within(card).queryByText("All usage is priced")).not.toBeInTheDocument();
  });

  it("says when all usage is priced", async () => {
    stubApi(routes([]));
    renderPage(<OverviewPage />);
    const card = await screen.findByRole("region", { name: "Unpriced usage" });
    expect(await within(card).findByText("All usage is priced")).toBeInTheDocument();
  });

  it("shows the chart's empty state, with a way to get started, when there is no usage", async () => {
    stubApi(routes([]));
    renderPage(<OverviewPage />);
    const card = await screen.findByRole("region", { name: "Usage by SKU" });
    expect(await within(card).findByText("No usage yet this period")).toBeInTheDocument();
    expect(within(card).getByRole("link", { name: "Get started" })).toHaveAttribute("href", "/get-started");
    expect(screen.queryByTestId("usage-chart")).not.toBeInTheDocument();
  });

  it("draws the chart once usage has loaded, with the exact quantities in its table", async () => {
    stubApi(
      routes([
        { day: "2026-11-02", customer_id: null, sku_id: SKU_API, quantity: "12345678901234567890.25", events: 3 },
        { day: "2026-11-04", customer_id: null, sku_id: SKU_STORAGE, quantity: "2", events: 1 },
      ]),
    );
    renderPage(<OverviewPage />);
    const card = await screen.findByRole("region", { name: "Usage by SKU" });
    expect(within(card).queryByTestId("usage-chart")).not.toBeInTheDocument(); // still loading
    const chart = await within(card).findByTestId("usage-chart");
    expect(chart.tagName).toBe("FIGURE");
    expect(screen.getByRole("figure", { name: "Usage by SKU over time" })).toBe(chart);
    const table = within(chart).getByRole("table");
    // Every day from the first to the last, gaps at zero; the quantity exactly as sent.
    expect(within(table).getAllByRole("row")).toHaveLength(1 + 3);
    expect(within(table).getByText("12,345,678,901,234,567,890.25")).toBeInTheDocument();
    expect(await within(table).findByRole("columnheader", { name: "Storage" })).toBeInTheDocument();
    expect(within(card).queryByText("No usage yet this period")).not.toBeInTheDocument();
    const [daily] = requestsTo("/api/usage").filter((r) => r.query.getAll("group_by").includes("day"));
    expect(daily?.query.getAll("group_by")).toEqual(["day", "sku"]);
  });

  it("lists the five newest invoices, each linking to its page, amounts from minor units", async () => {
    stubApi(routes([]));
    renderPage(<OverviewPage />);
    const card = await screen.findByRole("region", { name: "Last invoices" });
    const rows = await within(card).findAllByRole("listitem");
    expect(rows).toHaveLength(5);
    const first = rows[0]!;
    expect(await within(first).findByRole("link", { name: "Acme Corp, November 2026" })).toHaveAttribute(
      "href",
      "/invoices/11111111-0000-4000-8000-000000000001",
    );
    expect(within(first).getByText("Draft")).toBeInTheDocument();
    // 2^53 - 1 minor units: exact, no float rounding.
    expect(within(first).getByText("$90,071,992,547,409.91")).toBeInTheDocument();
    expect(within(rows[1]!).getByRole("link", { name: "Acme Corp, October 2026" })).toHaveAttribute(
      "href",
      "/invoices/11111111-0000-4000-8000-000000000002",
    );
    expect(within(rows[1]!).getByText("Invoice #7")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("$1,234.56")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Finalized")).toBeInTheDocument();
    expect(within(card).queryByText("June 2026")).not.toBeInTheDocument(); // the sixth, oldest
  });

  it("shows an error with a retry when usage cannot be read", async () => {
    stubApi({
      ...routes([]),
      "GET /api/usage": () => apiError(503, "unavailable", "ClickHouse cannot be read right now."),
    });
    renderPage(<OverviewPage />);
    const card = await screen.findByRole("region", { name: "Current period" });
    expect(await within(card).findByRole("alert")).toHaveTextContent("The server could not answer");
    expect(within(card).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
