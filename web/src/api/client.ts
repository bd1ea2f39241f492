// The one way the dashboard talks to the API: a typed client generated from the dashboard API's
// OpenAPI document (src/api/schema.d.ts, `npm run generate:api`). Same origin: the session lives in
// HttpOnly cookies; every write echoes the readable bb_csrf cookie in X-CSRF-Token; a 401 refreshes
// the session once (shared by every request that hit it) and replays the request, and a session
// that cannot be refreshed returns to the log-in page, which sends the user back afterwards.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const PUBLIC_PAGES = ["/login", "/signup", "/accept-invitation"];
const NO_REFRESH = ["/api/auth/login", "/api/auth/signup", "/api/auth/refresh", "/api/auth/logout"];

export function csrfToken(): string | undefined {
  return document.cookie
    .split("; ")
    .find((cookie) => cookie.startsWith("bb_csrf="))
    ?.slice("bb_csrf=".length);
}

let refreshing: Promise<boolean> | null = null;

/** Rotates the session once for every request waiting on it; true when a new session was issued. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/api/auth/refresh", {
    method: "POST",
    credentials: "include",
    headers: withCsrf(new Headers()),
  })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

function withCsrf(headers: Headers): Headers {
  const token = csrfToken();
  if (token) headers.set("X-CSRF-Token", token);
  return headers;
}

/** Where an expired session goes: the log-in page, which returns to this page afterwards. */
export function loginUrl(next: string = window.location.pathname + window.location.search): string {
  return next && next !== "/" && !next.startsWith("/login") ? `/login?next=${encodeURIComponent(next)}` : "/login";
}

let onSessionLost: () => void = () => {
  if (!PUBLIC_PAGES.some((page) => window.location.pathname.startsWith(page))) window.location.assign(loginUrl());
};

/** main.tsx installs one that keeps the app loaded: the session query forgets the seat, and the
 * page's guard sends it to log-in with the way back. */
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method)) withCsrf(request.headers);
    return request;
  },
  async onResponse({ request, response }) {
    const path = new URL(request.url, window.location.origin).pathname;
    if (response.status !== 401 || NO_REFRESH.includes(path)) return response;
    if (!(await refreshSession())) {
      onSessionLost();
      return response;
    }
    return fetch(request.url, {
      method: request.method,
      credentials: "include",
      headers: withCsrf(new Headers(request.headers)),
      body: bodies.get(request),
    });
  },
};

// A request's body can be read once: kept for the replay after a refresh.
const bodies = new WeakMap<Request, string>();

const remember: Middleware = {
  async onRequest({ request }) {
    if (!SAFE.has(request.method)) bodies.set(request, await request.clone().text());
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: "include" });
api.use(remember, session);
