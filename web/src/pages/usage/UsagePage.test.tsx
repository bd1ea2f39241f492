// The stub must be imported before the page (the API client takes `fetch` when it loads).
import {
  CUSTOMER_ACME,
  CUSTOMER_GLOBEX,
  SKU_API,
  SKU_STORAGE,
  type StubRequest,
  catalogue,
  renderPage,
  requestsTo,
  stubApi,
} from "@/test/stubbed-api";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import UsagePage from "./UsagePage";

function usage(request: StubRequest) {
  const groups = request.query.getAll("group_by");
  const row = (over: object) => ({ day: null, customer_id: null, sku_id: null, events: 3, quantity: "1.5", ...over });
  const rows = groups.includes("customer")
    ? [row({ customer_id: CUSTOMER_ACME, sku_id: SKU_STORAGE, quantity: "98765432109876543210.5" })]
    : [row({ day: "2026-11-02" }), row({ day: "2026-11-03", quantity: "2", events: 1 })];
  return {
    sent_from: request.query.get("from") ?? "2026-11-01T00:00:00Z",
    sent_to: request.query.get("to") ?? "2026-12-01T00:00:00Z",
    group_by: groups.length ? groups : ["day"],
    rows,
    estimated_cost:
      request.query.get("include_cost") === "true"
        ? {
            note: "Each customer and SKU's quantity over the window, rated at the prices in force now.",
            totals: [{ currency: "USD", amount: "10000000000000.005", amount_minor: 1000000000000001 }],
            unpriced: [{ customer_id: CUSTOMER_GLOBEX, sku_id: SKU_API, quantity: "7", events: 7, reasons: ["unknown_sku"] }],
          }
        : null,
  };
}

function rated(request: StubRequest) {
  if (request.query.get("period") !== "2026-10") return [];
  return [
    {
      customer_id: CUSTOMER_ACME,
      sku_id: SKU_API,
      period_start: "2026-10-01",
      quantity: "1234.5",
      event_count: 12,
      price_version_id: "99999999-0000-4000-8000-000000000001",
      price_version: 3,
      pricing_model: "graduated",
      currency: "USD",
      amount_unrounded: "12.345",
      amount_minor: 1235,
    },
  ];
}

describe("UsagePage", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-15T12:00:00Z"));
    stubApi({ ...catalogue, "GET /api/usage": usage, "GET /api/rated-usage": rated });
  });
  afterEach(() => vi.useRealTimers());

  it("asks for the current period by day, whole UTC days, and shows the rows", async () => {
    renderPage(<UsagePage />, { at: "/usage" });
    expect(screen.getByRole("heading", { level: 1, name: "Usage" })).toBeInTheDocument();
    expect(screen.getByLabelText("From")).toHaveValue("2026-11-01");
    expect(screen.getByLabelText("To")).toHaveValue("2026-11-30");
    expect(screen.getByLabelText("Customer")).toHaveValue("");
    expect(screen.getByLabelText("SKU")).toHaveValue("");
    expect(screen.getByLabelText("Include estimated cost")).not.toBeChecked();
    const table = await screen.findByRole("table", { name: /Usage per day/ });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    const [sent] = requestsTo("/api/usage");
    expect(sent?.query.get("from")).toBe("2026-11-01T00:00:00Z");
    expect(sent?.query.get("to")).toBe("2026-12-01T00:00:00Z");
    expect(sent?.query.getAll("group_by")).toEqual(["day"]);
    expect(sent?.query.get("include_cost")).toBe("false");
  });

  it("sends the grouping, the filters and the window it is given", async () => {
    const user = userEvent.setup();
    renderPage(<UsagePage />, { at: "/usage" });
    await screen.findByRole("table", { name: /Usage per day/ });
    await user.selectOptions(screen.getByLabelText("Group by"), "Customer and SKU");
    await user.selectOptions(screen.getByLabelText("Customer"), await screen.findByRole("option", { name: "Acme Corp" }));
    await user.selectOptions(screen.getByLabelText("SKU"), screen.getByRole("option", { name: "Storage" }));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-11-10" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-10" } });

    await waitFor(() => expect(requestsTo("/api/usage").at(-1)?.query.get("to")).toBe("2026-11-11T00:00:00Z"));
    const last = requestsTo("/api/usage").at(-1)!;
    expect(last.query.getAll("group_by")).toEqual(["customer", "sku"]);
    expect(last.query.get("customer_id")).toBe(CUSTOMER_ACME);
    expect(last.query.get("sku_id")).toBe(SKU_STORAGE);
    expect(last.query.get("from")).toBe("2026-11-10T00:00:00Z");
    const table = await screen.findByRole("table", { name: /Usage per customer, sku/ });
    const headers = within(table).getAllByRole("columnheader").map((th) => th.textContent);
    expect(headers).toEqual(["Customer", "SKU", "Events", "Quantity"]);
    expect(within(table).getByText("98,765,432,109,876,543,210.5 GB")).toBeInTheDocument();
  });

  it("refuses a window that ends before it starts", async () => {
    renderPage(<UsagePage />, { at: "/usage" });
    await screen.findByRole("table", { name: /Usage per day/ });
    const before = requestsTo("/api/usage").length;
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-10-31" } });
    expect(await screen.findByText("To must be on or after From.", { selector: "[role=alert]" })).toBeInTheDocument();
    expect(screen.getByLabelText("To")).toHaveAttribute("aria-invalid", "true");
    expect(requestsTo("/api/usage")).toHaveLength(before);
  });

  it("shows the estimated cost, exact, with what it leaves out", async () => {
    const user = userEvent.setup();
    renderPage(<UsagePage />, { at: "/usage" });
    await user.click(screen.getByLabelText("Include estimated cost"));
    expect(await screen.findByText("$10,000,000,000,000.005")).toBeInTheDocument();
    expect(screen.getByText(/\$10,000,000,000,000\.01 once each line is rounded/)).toBeInTheDocument();
    expect(screen.getByText(/rated at the prices in force now/)).toBeInTheDocument();
    expect(screen.getByText(/No SKU with this ID/)).toBeInTheDocument();
    expect(requestsTo("/api/usage").at(-1)?.query.get("include_cost")).toBe("true");
  });

  it("shows rated usage for a period of the last twelve months", async () => {
    const user = userEvent.setup();
    renderPage(<UsagePage />, { at: "/usage" });
    expect(screen.getByRole("heading", { level: 2, name: "Rated usage" })).toBeInTheDocument();
    const period = screen.getByLabelText("Period");
    const options = within(period).getAllByRole("option").map((o) => o.textContent);
    expect(options).toHaveLength(12);
    expect(options[0]).toBe("November 2026");
    expect(options[11]).toBe("December 2025");
    expect(await screen.findByText("No rated usage for November 2026")).toBeInTheDocument();
    expect(requestsTo("/api/rated-usage")[0]?.query.get("period")).toBe("2026-11");

    await user.selectOptions(period, "October 2026");
    const table = await screen.findByRole("table", { name: "Rated usage of October 2026" });
    const row = within(table).getAllByRole("row")[1]!;
    expect(within(row).getByText("v3")).toBeInTheDocument();
    expect(within(row).getByText("Graduated")).toBeInTheDocument();
    expect(within(row).getByText("$12.35")).toBeInTheDocument();
    expect(within(row).getByText(/1,234\.5 request/)).toBeInTheDocument();
    expect(await within(row).findByText("Acme Corp")).toBeInTheDocument();
  });
});
