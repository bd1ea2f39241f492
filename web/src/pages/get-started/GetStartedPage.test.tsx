import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { json, renderPage, seat, stubApi } from "@/test/admin-harness";
import GetStartedPage from "./GetStartedPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const SECRET = "bb_Zx81mQ0cT7vK2pLw9sR4nY6bH3jF5dA1eG8uI0oP";
const customer: Schemas["Customer"] = {
  id: "0190c1e2-7b7e-7c3e-9d2a-1f2e3d4c5b6a",
  name: "Globex",
  currency: "USD",
  email: null,
  metadata: {},
  archived_at: null,
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
};
const sku: Schemas["Sku"] = {
  id: "0190c1e3-0a1b-7c3e-8d2a-1f2e3d4c5b6b",
  name: "API calls",
  unit: "call",
  currency: "USD",
  created_at: "2026-11-01T10:00:00Z",
  archived_at: null,
  current_price: null,
};
const arrived: Schemas["Event"] = {
  event_id: "first-event-1",
  customer_id: customer.id,
  sku_id: sku.id,
  amount: "1",
  sent_at: "2026-11-24T21:05:00Z",
  ingested_at: "2026-11-24T21:05:00.4Z",
};

/** The JSON body of the curl command (what follows -d, single-quoted). */
function curlBody(command: string): unknown {
  const body = /-d '(.*)'$/s.exec(command)?.[1];
  if (!body) throw new Error(`no body in ${command}`);
  return JSON.parse(body);
}

beforeEach(() => {
  fetchMock.mockReset();
});

// Typing and polling take a few seconds on a busy machine: more than the 5 s default allows.
describe("GetStartedPage", { timeout: 20_000 }, () => {
  it("puts the created key in the curl command and notices the first event", async () => {
    let events: Schemas["Event"][] = [];
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/customers", reply: json({ customers: [customer], next_cursor: null }) },
      { method: "GET", path: "/api/skus", reply: json([sku]) },
      { method: "GET", path: "/api/events", reply: () => json({ events, next_cursor: null }) },
      {
        method: "POST",
        path: "/api/api-keys",
        reply: (sent) =>
          json(
            {
              id: "0190c1e2-0000-7000-8000-00000000000c",
              name: (sent.body as Schemas["ApiKeyIn"]).name,
              prefix: SECRET.slice(0, 10),
              created_by: "ana@acme.io",
              created_at: "2026-11-24T21:00:00Z",
              last_used_at: null,
              revoked_at: null,
              key: SECRET,
            },
            201,
          ),
      },
    ]);
    const user = userEvent.setup();
    renderPage(<GetStartedPage />, seat("owner"));

    expect(screen.getByRole("heading", { level: 1, name: "Get started" })).toBeInTheDocument();
    const curl = screen.getByTestId("curl-command");
    expect(curl).toHaveTextContent("Authorization: Bearer bb_...");
    expect(screen.getByRole("status")).toHaveTextContent("Waiting for your first event…");

    expect(screen.getByLabelText("Key name")).toHaveValue("My first key");
    await user.click(screen.getByRole("button", { name: "Create API key" }));

    await waitFor(() => expect(screen.getByTestId("curl-command")).toHaveTextContent(`Authorization: Bearer ${SECRET}`));
    expect(api.sent.find((s) => s.method === "POST")?.body).toEqual({ name: "My first key" });
    expect(screen.getByTestId("new-api-key")).toHaveTextContent(SECRET);
    expect(screen.getByText(/won’t be shown again/)).toBeInTheDocument();

    const command = screen.getByTestId("curl-command").textContent ?? "";
    expect(command).toMatch(/^curl -X POST http:\/\/localhost:9876\/v1\/events /);
    const body = curlBody(command) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["event_id", "customer_id", "sku_id", "amount", "sent_at"]);
    expect(body).toMatchObject({ customer_id: customer.id, sku_id: sku.id, amount: "1" });
    expect(new Date(body.sent_at!).toISOString()).toMatch(/^\d{4}-/);

    // The poll keeps asking (limit=1) until an event exists.
    events = [arrived];
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("First event received"), { timeout: 5000 });
    expect(screen.getByRole("link", { name: "Open the events explorer" })).toHaveAttribute("href", "/events");
    const polls = api.sent.filter((s) => s.path === "/api/events");
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.every((s) => s.search.get("limit") === "1")).toBe(true);
    expect(api.unhandled).toEqual([]);
  });

  it("uses fresh ids without customers or SKUs, and disables key creation for a member", async () => {
    stubApi(fetchMock, [
      { method: "GET", path: "/api/customers", reply: json({ customers: [], next_cursor: null }) },
      { method: "GET", path: "/api/skus", reply: json([]) },
      { method: "GET", path: "/api/events", reply: json({ events: [], next_cursor: null }) },
    ]);
    renderPage(<GetStartedPage />, seat("member"));

    const button = screen.getByRole("button", { name: "Create API key" });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("title", expect.stringMatching(/admin/));
    expect(screen.getByText(/Only admins and owners create API keys/)).toBeInTheDocument();

    expect(await screen.findByText(/show as unpriced/)).toBeInTheDocument();
    const body = curlBody(screen.getByTestId("curl-command").textContent ?? "") as Record<string, string>;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(body.customer_id).toMatch(uuid);
    expect(body.sku_id).toMatch(uuid);
    expect(body.customer_id).not.toBe(body.sku_id);
    expect(screen.getByRole("link", { name: "Create a SKU" })).toHaveAttribute("href", "/skus/new");
    expect(screen.getByRole("link", { name: "Add a customer" })).toHaveAttribute("href", "/customers");
  });
});
