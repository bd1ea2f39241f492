// Test helpers of the SKU pages: a stubbed API (the client captures `fetch` when it is created, so
// this module replaces it on import: import it before anything that imports @/api/client) and a
// render with the providers and one route.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { vi } from "vitest";
import type { Schemas } from "@/api/client";

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Handler = (call: Call) => Response | { status?: number; json: unknown } | unknown;

let routes: Record<string, Handler> = {};
export const calls: Call[] = [];

async function dispatch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, init);
  const url = new URL(request.url);
  const text = request.method === "GET" ? "" : await request.text();
  const call: Call = { method: request.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
  calls.push(call);
  const key = `${call.method} ${call.path}`;
  const handler = routes[key];
  if (!handler) return json(404, { error: { code: "not_found", message: `no stub for ${key}`, details: null } });
  const answer = handler(call);
  if (answer instanceof Response) return answer;
  if (typeof answer === "object" && answer !== null && "json" in answer) {
    const { status = 200, json: body } = answer as { status?: number; json: unknown };
    return json(status, body);
  }
  return json(200, answer);
}

vi.stubGlobal("fetch", vi.fn(dispatch));

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Answers "METHOD /path" with a handler's value (200), `{status, json}`, or a Response. */
export function stubApi(table: Record<string, Handler>): void {
  routes = table;
  calls.length = 0;
}

export function validationError(details: { field: string; message: string }[]): { status: number; json: Schemas["ErrorResponse"] } {
  return { status: 422, json: { error: { code: "validation_error", message: "The request is not valid.", details } } };
}

export const me = (role = "member"): Schemas["Me"] => ({
  user_id: "00000000-0000-4000-8000-000000000001",
  email: "ada@example.com",
  role,
  merchant_id: "00000000-0000-4000-8000-000000000002",
  merchant_name: "Acme",
});

/** Renders `element` at `url`, matched by `path`, signed in with `role`; other paths show their path. */
export function renderAt(element: ReactElement, { path, url, role = "member" }: { path: string; url?: string; role?: string }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  client.setQueryData(["me"], me(role));
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[url ?? path]}>
          <Routes>
            <Route path={path} element={element} />
            <Route path="*" element={<Location />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}

// A helper of tests, never refreshed by Vite: the rule's concern does not apply.
// eslint-disable-next-line react-refresh/only-export-components
function Location() {
  return <p data-testid="location">{useLocation().pathname}</p>;
}

export const SKU_ID = "5b0c9d2e-8f7a-4c3b-9e1d-2a6f4b8c0d11";

export function priceVersion(overrides: Partial<Schemas["PriceVersion"]> = {}): Schemas["PriceVersion"] {
  return {
    id: "7d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6",
    version: 1,
    model: "graduated",
    effective_from: "2026-11-01T00:00:00Z",
    unit_price: null,
    package_size: null,
    package_price: null,
    included_quantity: "0",
    minimum_charge: "0",
    tiers: [
      { up_to: "1000", unit_price: "0.01", flat_fee: "0" },
      { up_to: null, unit_price: "0.005", flat_fee: "0" },
    ],
    locked: false,
    ...overrides,
  };
}

export function sku(overrides: Partial<Schemas["Sku"]> = {}): Schemas["Sku"] {
  const current = priceVersion();
  return {
    id: SKU_ID,
    name: "API requests",
    unit: "API call",
    currency: "USD",
    created_at: "2026-11-02T10:00:00Z",
    archived_at: null,
    current_price: current,
    versions: [current],
    ...overrides,
  };
}
