// Test harness of the admin pages (API keys, members, settings, get started): a stubbed API
// answering by method and path, and a page rendered with a seat already logged in.
//
// The typed client (src/api/client.ts) takes `fetch` when it is created, so a test file installs
// its mock before any import runs:
//   const fetchMock = vi.hoisted(() => { const f = vi.fn<typeof fetch>(); vi.stubGlobal("fetch", f); return f; });
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router";
import type { Mock } from "vitest";
import type { Schemas } from "@/api/client";
import { ME } from "@/auth/session";

export interface Sent {
  method: string;
  path: string;
  search: URLSearchParams;
  /** The JSON body, parsed; undefined when there was none. */
  body: unknown;
}

export type Reply = { status: number; body?: unknown };

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string | RegExp;
  reply: Reply | ((sent: Sent) => Reply);
}

export function json(body: unknown, status = 200): Reply {
  return { status, body };
}

export function apiError(status: number, message: string, details?: { field: string; message: string }[]): Reply {
  return { status, body: { error: { code: status === 422 ? "validation_error" : "error", message, details: details ?? null } } };
}

/** Answers every request from `routes` (the first that matches) and records what was sent. */
export function stubApi(fetchMock: Mock<typeof fetch>, routes: Route[]): { sent: Sent[]; unhandled: string[] } {
  const sent: Sent[] = [];
  const unhandled: string[] = [];
  fetchMock.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    // The client calls fetch(request); its replay after a refresh calls fetch(url, init).
    const request = typeof input === "object" && "method" in input ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.clone().text();
    const call: Sent = { method: request.method, path: url.pathname, search: url.searchParams, body: text ? JSON.parse(text) : undefined };
    sent.push(call);
    const route = routes.find(
      (r) => r.method === call.method && (typeof r.path === "string" ? r.path === call.path : r.path.test(call.path)),
    );
    if (!route) {
      unhandled.push(`${call.method} ${call.path}`);
      return new Response(JSON.stringify({ error: { code: "not_found", message: "Not stubbed", details: null } }), {
        status: 404,
        headers: { "Content-Type": "application/json" },
      });
    }
    const reply = typeof route.reply === "function" ? route.reply(call) : route.reply;
    if (reply.status === 204 || reply.body === undefined) return new Response(null, { status: reply.status });
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { "Content-Type": "application/json" } });
  });
  return { sent, unhandled };
}

export function seat(role: Schemas["Me"]["role"], overrides: Partial<Schemas["Me"]> = {}): Schemas["Me"] {
  return {
    user_id: "0190c1e2-0000-7000-8000-000000000001",
    email: "ana@acme.io",
    role,
    merchant_id: "0190c1e2-0000-7000-8000-0000000000aa",
    merchant_name: "Acme",
    ...overrides,
  };
}

/** The page, as a logged-in seat sees it (no retries, so an error shows at once). */
export function renderPage(page: ReactElement, me: Schemas["Me"]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 }, mutations: { retry: false } } });
  client.setQueryData(ME, me);
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter>{page}</MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}
