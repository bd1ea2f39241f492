// A stubbed API for component tests: a fake `fetch` that answers by method and path, records every
// request, and a render helper with a fresh QueryClient and a MemoryRouter.
//
// Import this module BEFORE the page under test: src/api/client.ts hands `globalThis.fetch` to
// openapi-fetch when it is first evaluated, so the stub must already be in place by then (it
// delegates to the routes of the running test, so one stub serves every test of a file).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { vi } from "vitest";

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  url: URL;
}

export interface StubResponse {
  status?: number;
  body: unknown;
}

/** A route's answer: a body (status 200), or {status, body} via `reply`. */
export type Handler = (request: StubRequest) => unknown;

const REPLY = Symbol("reply");
type Reply = StubResponse & { [REPLY]: true };

/** An answer with a status other than 200: `reply(404, {error: {...}})`. */
export function reply(status: number, body: unknown): Reply {
  return { status, body, [REPLY]: true };
}

export function apiError(status: number, code: string, message: string): Reply {
  return reply(status, { error: { code, message, details: null } });
}

let routes: Record<string, Handler> = {};
export const requests: StubRequest[] = [];

async function stubFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, init);
  const url = new URL(request.url);
  const stub: StubRequest = { method: request.method, path: url.pathname, query: url.searchParams, url };
  requests.push(stub);
  const handler = routes[`${request.method} ${url.pathname}`];
  if (!handler) {
    return json(404, { error: { code: "not_found", message: `no stub for ${request.method} ${url.pathname}` } });
  }
  const answer = handler(stub);
  if (typeof answer === "object" && answer !== null && REPLY in answer) {
    const { status = 200, body } = answer as Reply;
    return json(status, body);
  }
  return json(200, answer);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

vi.stubGlobal("fetch", vi.fn(stubFetch));

/** Replaces the routes ("GET /api/events": handler) and forgets the requests seen so far. */
export function stubApi(next: Record<string, Handler>): void {
  routes = next;
  requests.length = 0;
}

/** The requests made to one path, in order. */
export function requestsTo(path: string, method = "GET"): StubRequest[] {
  return requests.filter((r) => r.path === path && r.method === method);
}

/** Where the router is now (path and search), for assertions on the URL. */
function LocationProbe() {
  const location = useLocation();
  return <span data-testid="location">{location.pathname + location.search}</span>;
}

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 } } });
}

export function renderPage(
  ui: ReactElement,
  { at = "/", route = "*", client = testQueryClient() }: { at?: string; route?: string; client?: QueryClient } = {},
) {
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[at]}>
          <Routes>
            <Route path={route} element={ui} />
            <Route path="*" element={<p>Elsewhere</p>} />
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}

/** recharts' ResponsiveContainer measures its box; jsdom has no layout, so give it one. */
export function stubLayout(width = 800, height = 300): void {
  class FixedResizeObserver {
    private readonly callback: ResizeObserverCallback;
    constructor(callback: ResizeObserverCallback) {
      this.callback = callback;
    }
    observe(target: Element) {
      const rect = { width, height, top: 0, left: 0, right: width, bottom: height, x: 0, y: 0 } as DOMRectReadOnly;
      this.callback([{ target, contentRect: rect } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve() {}
    disconnect() {}
  }
  vi.stubGlobal("ResizeObserver", FixedResizeObserver);
  vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockReturnValue({
    width,
    height,
    top: 0,
    left: 0,
    right: width,
    bottom: height,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => width });
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => height });
}

// Shared fixtures shaped like the OpenAPI schemas.
export const SKU_API = "5b0c2f0e-1111-4c3a-9d55-000000000001";
export const SKU_STORAGE = "5b0c2f0e-1111-4c3a-9d55-000000000002";
export const CUSTOMER_ACME = "c0ffee00-2222-4b4b-8a8a-000000000001";
export const CUSTOMER_GLOBEX = "c0ffee00-2222-4b4b-8a8a-000000000002";

const now = "2026-11-01T00:00:00Z";

export function sku(id: string, name: string, unit = "request") {
  return { id, name, unit, currency: "USD", archived_at: null, created_at: now, current_price: null, versions: [] };
}

export function customer(id: string, name: string) {
  return { id, name, email: null, currency: "USD", metadata: {}, archived_at: null, created_at: now, updated_at: now };
}

/** The catalogue every page asks for (useNames): two SKUs, two customers. */
export const catalogue: Record<string, Handler> = {
  "GET /api/skus": () => [sku(SKU_API, "API calls"), sku(SKU_STORAGE, "Storage", "GB")],
  "GET /api/customers": () => ({
    customers: [customer(CUSTOMER_ACME, "Acme Corp"), customer(CUSTOMER_GLOBEX, "Globex")],
    next_cursor: null,
  }),
};
