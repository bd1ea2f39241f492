// The stub must be imported before the page (the API client takes `fetch` when it loads).
import {
  CUSTOMER_ACME,
  SKU_STORAGE,
  apiError,
  catalogue,
  renderPage,
  requestsTo,
  stubApi,
  testQueryClient,
} from "@/test/stubbed-api";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import EventDetailPage from "./EventDetailPage";

const stored = {
  event_id: "order/42 #1",
  customer_id: CUSTOMER_ACME,
  sku_id: SKU_STORAGE,
  amount: "0.000000000000000001",
  sent_at: "2026-11-24T21:05:00Z",
  ingested_at: "2026-11-24T21:05:01.5Z",
};

describe("EventDetailPage", () => {
  it("shows every field of the event, with links to its customer and SKU", async () => {
    stubApi({
      ...catalogue,
      "GET /api/events/order%2F42%20%231": () => stored,
    });
    renderPage(<EventDetailPage />, { at: `/events/${encodeURIComponent(stored.event_id)}`, route: "/events/:eventId" });
    expect(screen.getByRole("heading", { level: 1, name: "Event order/42 #1" })).toBeInTheDocument();
    const terms = (await screen.findAllByRole("term")).map((dt) => dt.textContent);
    expect(terms).toEqual(["Event ID", "Customer", "SKU", "Amount", "Sent at", "Ingested at"]);
    expect(await screen.findByRole("link", { name: "Acme Corp" })).toHaveAttribute("href", `/customers/${CUSTOMER_ACME}`);
    expect(screen.getByRole("link", { name: "Storage" })).toHaveAttribute("href", `/skus/${SKU_STORAGE}`);
    expect(screen.getByText("0.000000000000000001 GB")).toBeInTheDocument();
    expect(screen.getByText("2026-11-24T21:05:01.5Z")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Copy the event ID" })).toBeInTheDocument();
    expect(requestsTo("/api/events/order%2F42%20%231")).toHaveLength(1);
  });

  it("says there is no such event, with the way back to Events", async () => {
    stubApi({
      ...catalogue,
      "GET /api/events/missing": () => apiError(404, "not_found", "No event 'missing' for this merchant."),
    });
    renderPage(<EventDetailPage />, { at: "/events/missing", route: "/events/:eventId" });
    expect(await screen.findByText("No event with this ID")).toBeInTheDocument();
    const back = screen.getByRole("link", { name: "Back to Events" });
    expect(back).toHaveAttribute("href", "/events");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Event missing");
    expect(screen.queryByRole("term")).not.toBeInTheDocument();
  });

  it("shows an event the explorer listed when the API cannot look its ID up", async () => {
    stubApi({ ...catalogue, "GET /api/events/order%2F42%20%231": () => apiError(404, "not_found", "Not Found") });
    const client = testQueryClient();
    client.setQueryData(["events", { cursor: null, limit: 50 }], { events: [stored], next_cursor: null });
    renderPage(<EventDetailPage />, { at: `/events/${encodeURIComponent(stored.event_id)}`, route: "/events/:eventId", client });
    expect(await screen.findByText(/the API could not look this ID up/)).toBeInTheDocument();
    expect(screen.getByText("0.000000000000000001 GB")).toBeInTheDocument();
    expect(screen.queryByText("No event with this ID")).not.toBeInTheDocument();
  });

  it("shows a server failure as an error with a retry, not as a missing event", async () => {
    stubApi({ ...catalogue, "GET /api/events/evt_1": () => apiError(503, "unavailable", "Events cannot be read right now.") });
    renderPage(<EventDetailPage />, { at: "/events/evt_1", route: "/events/:eventId" });
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeInTheDocument();
    expect(screen.queryByText("No event with this ID")).not.toBeInTheDocument();
  });
});
