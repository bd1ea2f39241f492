// Test helpers of the invoice and customer pages (src/pages/invoices, src/pages/customers): a
// fetch stub that answers by route, fixtures shaped like the OpenAPI schemas, and a render inside
// QueryClientProvider + MemoryRouter.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { configure, render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import type { Schemas } from "@/api/client";
import { ME } from "@/auth/session";

// A page's first render loads its lazy chunks and the API stub's answers: on a loaded machine
// that takes longer than Testing Library's default second.
configure({ asyncUtilTimeout: 5000 });

export interface Call {
  method: string;
  url: URL;
  body: unknown;
}

type Answer = unknown;
type Handler = (call: Call, params: Record<string, string>) => Answer | Response | Promise<Answer | Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export function apiError(status: number, code: string, message: string, details?: unknown): Response {
  return json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status);
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

/**
 * A fetch that answers "METHOD /api/path/:param" routes (a handler's plain value is sent as JSON
 * 200), records every call, and answers 404 to anything else.
 */
export function apiStub(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const call: Call = { method: request.method, url, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    for (const [route, handler] of Object.entries(routes)) {
      const [method, pattern = ""] = route.split(" ");
      const params = method === request.method ? match(pattern, url.pathname) : null;
      if (params) {
        const answer = await handler(call, params);
        return answer instanceof Response ? answer : json(answer);
      }
    }
    return apiError(404, "not_found", `No stub for ${request.method} ${url.pathname}`);
  };
  return {
    fetch,
    calls,
    /** The calls of one method and path (no query string). */
    to: (method: string, path: string) => calls.filter((call) => call.method === method && call.url.pathname === path),
  };
}

export const ME_ADMIN: Schemas["Me"] = {
  user_id: "9b0c1d2e-0000-4000-8000-000000000001",
  email: "ana@globex.test",
  role: "admin",
  merchant_id: "9b0c1d2e-0000-4000-8000-0000000000aa",
  merchant_name: "Globex Billing Ltd",
};

export function me(role: string): Schemas["Me"] {
  return { ...ME_ADMIN, role };
}

export function customer(overrides: Partial<Schemas["Customer"]> & Pick<Schemas["Customer"], "id" | "name">): Schemas["Customer"] {
  return {
    currency: "USD",
    email: null,
    metadata: {},
    created_at: "2026-11-02T10:00:00Z",
    updated_at: "2026-11-02T10:00:00Z",
    archived_at: null,
    ...overrides,
  };
}

export function sku(id: string, name: string): Schemas["Sku"] {
  return {
    id,
    name,
    unit: "call",
    currency: "USD",
    current_price: null,
    created_at: "2026-11-01T00:00:00Z",
    archived_at: null,
  };
}

/** Shows where the router is, so a test can read the query string a page wrote. */
function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname + location.search}</div>;
}

export function renderPage(element: ReactElement, options: { path: string; route: string; me?: Schemas["Me"] }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  client.setQueryData(ME, options.me ?? ME_ADMIN);
  const result = render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[options.route]}>
        <Routes>
          <Route path={options.path} element={element} />
          <Route path="*" element={<p>Elsewhere</p>} />
        </Routes>
        <LocationProbe />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...result, client };
}
