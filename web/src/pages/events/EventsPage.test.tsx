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
} from "@/test/stubbed-api";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import EventsPage from "./EventsPage";

function event(id: string, minute: number, over: Partial<Record<string, string>> = {}) {
  const at = `2026-11-24T21:${String(minute).padStart(2, "0")}:00Z`;
  return { event_id: id, customer_id: CUSTOMER_ACME, sku_id: SKU_API, amount: "1.5", sent_at: at, ingested_at: at, ...over };
}

function bodyRows() {
  return screen.getAllByRole("row").slice(1);
}

describe("EventsPage", () => {
  it("lists events with links to each, names for ids and exact amounts", async () => {
    stubApi({
      ...catalogue,
      "GET /api/events": () => ({
        events: [
          event("order/42 #1", 5, { amount: "12345678901234567890.125", sku_id: SKU_STORAGE, customer_id: CUSTOMER_GLOBEX }),
          event("evt_1", 4),
        ],
        next_cursor: null,
      }),
    });
    renderPage(<EventsPage />, { at: "/events" });
    expect(screen.getByRole("heading", { level: 1, name: "Events" })).toBeInTheDocument();
    const link = await screen.findByRole("link", { name: "order/42 #1" });
    expect(link).toHaveAttribute("href", "/events/order%2F42%20%231");
    const headers = screen.getAllByRole("columnheader").map((th) => th.textContent);
    expect(headers).toEqual(["Sent at", "Event ID", "Customer", "SKU", "Amount", "Ingested at"]);
    const first = bodyRows()[0]!;
    expect(await within(first).findByText("Globex")).toBeInTheDocument();
    expect(within(first).getByText("Storage")).toBeInTheDocument();
    expect(within(first).getByText(/12,345,678,901,234,567,890\.125 GB/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Next page" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Previous page" })).not.toBeInTheDocument();
  });

  it("sends the filters as query params and keeps them in the URL", async () => {
    const user = userEvent.setup();
    stubApi({ ...catalogue, "GET /api/events": () => ({ events: [event("evt_1", 1)], next_cursor: null }) });
    renderPage(<EventsPage />, { at: "/events" });
    await screen.findByRole("link", { name: "evt_1" });
    expect(requestsTo("/api/events")[0]?.query.get("customer_id")).toBeNull();

    await user.selectOptions(await screen.findByLabelText("Customer"), await screen.findByRole("option", { name: "Globex" }));
    await user.selectOptions(screen.getByLabelText("SKU"), screen.getByRole("option", { name: "Storage" }));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-11-01T00:00" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-02T12:30" } });

    await waitFor(() => {
      const last = requestsTo("/api/events").at(-1)!;
      expect(last.query.get("to")).toBe("2026-11-02T12:30:00.000Z");
    });
    const last = requestsTo("/api/events").at(-1)!;
    expect(last.query.get("customer_id")).toBe(CUSTOMER_GLOBEX);
    expect(last.query.get("sku_id")).toBe(SKU_STORAGE);
    expect(last.query.get("from")).toBe("2026-11-01T00:00:00.000Z");
    expect(last.query.get("cursor")).toBeNull();
    const url = new URL(screen.getByTestId("location").textContent!, "http://x");
    expect(url.searchParams.get("customer_id")).toBe(CUSTOMER_GLOBEX);
    expect(url.searchParams.get("sku_id")).toBe(SKU_STORAGE);
    expect(url.searchParams.get("from")).toBe("2026-11-01T00:00");
    expect(url.searchParams.get("to")).toBe("2026-11-02T12:30");
  });

  it("reads the filters from the URL", async () => {
    stubApi({ ...catalogue, "GET /api/events": () => ({ events: [], next_cursor: null }) });
    renderPage(<EventsPage />, { at: `/events?customer_id=${CUSTOMER_ACME}&from=2026-11-01T00:00` });
    expect(await screen.findByText("No events match these filters")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Get started" })).not.toBeInTheDocument();
    const [sent] = requestsTo("/api/events");
    expect(sent?.query.get("customer_id")).toBe(CUSTOMER_ACME);
    expect(sent?.query.get("from")).toBe("2026-11-01T00:00:00.000Z");
    expect(await screen.findByLabelText("Customer")).toHaveValue(CUSTOMER_ACME);
  });

  it("points to Get started when there are no events at all", async () => {
    stubApi({ ...catalogue, "GET /api/events": () => ({ events: [], next_cursor: null }) });
    renderPage(<EventsPage />, { at: "/events" });
    expect(await screen.findByText("No events match these filters")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Get started" })).toHaveAttribute("href", "/get-started");
  });

  it("pages with next_cursor, and back with a stack of cursors", async () => {
    const user = userEvent.setup();
    const pages: Record<string, { events: unknown[]; next_cursor: string | null }> = {
      first: { events: [event("evt_3", 3), event("evt_2", 2)], next_cursor: "1796245320000~evt_2" },
      "1796245320000~evt_2": { events: [event("evt_1", 1)], next_cursor: "1796245260000~evt_1" },
      "1796245260000~evt_1": { events: [event("evt_0", 0)], next_cursor: null },
    };
    stubApi({
      ...catalogue,
      "GET /api/events": (request: StubRequest) => pages[request.query.get("cursor") ?? "first"],
    });
    renderPage(<EventsPage pageSize={2} />, { at: `/events?sku_id=${SKU_API}` });
    await screen.findByRole("link", { name: "evt_3" });
    expect(requestsTo("/api/events")[0]?.query.get("limit")).toBe("2");

    await user.click(screen.getByRole("button", { name: "Next page" }));
    await screen.findByRole("link", { name: "evt_1" });
    let last = requestsTo("/api/events").at(-1)!;
    expect(last.query.get("cursor")).toBe("1796245320000~evt_2");
    expect(last.query.get("sku_id")).toBe(SKU_API); // the filters go with every page

    await user.click(screen.getByRole("button", { name: "Next page" }));
    await screen.findByRole("link", { name: "evt_0" });
    expect(requestsTo("/api/events").at(-1)?.query.get("cursor")).toBe("1796245260000~evt_1");
    expect(screen.queryByRole("button", { name: "Next page" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Previous page" }));
    await screen.findByRole("link", { name: "evt_1" });
    await user.click(screen.getByRole("button", { name: "Previous page" }));
    await screen.findByRole("link", { name: "evt_3" });
    expect(screen.queryByRole("button", { name: "Previous page" })).not.toBeInTheDocument();
    last = requestsTo("/api/events").at(-1)!;
    expect(last.query.get("cursor")).toBeNull();
  });

  it("polls the first page in live tail and marks the events that arrived since it was turned on", async () => {
    const user = userEvent.setup();
    let stored = [event("evt_2", 2), event("evt_1", 1)];
    stubApi({ ...catalogue, "GET /api/events": () => ({ events: stored, next_cursor: null }) });
    renderPage(<EventsPage liveInterval={40} />, { at: "/events" });
    await screen.findByRole("link", { name: "evt_2" });
    const toggle = screen.getByRole("button", { name: "Live tail" });
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    const before = requestsTo("/api/events").length;

    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("status")).toHaveTextContent("Live: 0 new events");

    // Polls while nothing new arrives, and marks nothing.
    await waitFor(() => expect(requestsTo("/api/events").length).toBeGreaterThan(before + 1));
    expect(document.querySelectorAll("tr[data-new]")).toHaveLength(0);

    stored = [event("evt_4", 4), event("evt_3", 3), ...stored];
    await screen.findByRole("link", { name: "evt_4" });
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Live: 2 new events"));
    const marked = [...document.querySelectorAll("tr[data-new]")].map((row) => within(row as HTMLElement).getAllByRole("link")[0]?.textContent);
    expect(marked).toEqual(["evt_4", "evt_3"]);
    expect(within(bodyRows()[0]!).getByText("New")).toBeInTheDocument();
    expect(within(bodyRows()[2]!).queryByText("New")).not.toBeInTheDocument();
    expect(requestsTo("/api/events").every((r) => r.query.get("cursor") === null)).toBe(true);

    // Off: polling stops and the marks go.
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    expect(document.querySelectorAll("tr[data-new]")).toHaveLength(0);
    expect(screen.getByRole("status")).toHaveTextContent("");
    const after = requestsTo("/api/events").length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(requestsTo("/api/events").length).toBe(after);
  });

  it("goes back to the first page when live tail is turned on from a later page", async () => {
    const user = userEvent.setup();
    let first = [event("evt_3", 3), event("evt_2", 2)];
    stubApi({
      ...catalogue,
      "GET /api/events": (request: StubRequest) =>
        request.query.get("cursor") ? { events: [event("evt_1", 1)], next_cursor: null } : { events: first, next_cursor: "c~evt_2" },
    });
    renderPage(<EventsPage liveInterval={40} pageSize={2} />, { at: "/events" });
    await user.click(await screen.findByRole("button", { name: "Next page" }));
    await screen.findByRole("link", { name: "evt_1" });
    await user.click(screen.getByRole("button", { name: "Live tail" }));
    await screen.findByRole("link", { name: "evt_3" });
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    first = [event("evt_9", 9), ...first];
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Live: 1 new event"));
    expect(screen.getByRole("link", { name: "evt_9" }).closest("tr")).toHaveAttribute("data-new", "true");
  });

  it("shows the API's error", async () => {
    stubApi({ ...catalogue, "GET /api/events": () => apiError(422, "invalid", "cursor is not a cursor of this list") });
    renderPage(<EventsPage />, { at: "/events" });
    expect(await screen.findByRole("alert")).toHaveTextContent("cursor is not a cursor of this list");
  });
});
