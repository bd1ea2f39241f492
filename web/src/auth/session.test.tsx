import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, RouterProvider } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { replaceDocument } from "@/lib/browser";
import { json, seat, stubApi } from "@/test/admin-harness";
import { ME, RequireSession, signedIn, useLogout } from "./session";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});
vi.mock("@/lib/browser", () => ({ replaceDocument: vi.fn() }));

function LogOut() {
  const logout = useLogout();
  return <button onClick={() => logout.mutate()}>Log out</button>;
}

function renderGuarded(client: QueryClient) {
  const router = createMemoryRouter(
    [
      { path: "/login", element: <h1>Log in</h1> },
      { element: <RequireSession />, children: [{ path: "/invoices", element: <LogOut /> }] },
    ],
    { initialEntries: ["/invoices?status=open"] },
  );
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const unauthorized = json({ error: { code: "unauthorized", message: "Log in", details: null } }, 401);

describe("the session", () => {
  let client: QueryClient;
  let sent: ReturnType<typeof stubApi>["sent"];
  beforeEach(() => {
    vi.mocked(replaceDocument).mockClear();
    client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 60_000 }, mutations: { retry: false } } });
    ({ sent } = stubApi(fetchMock, [
      { method: "POST", path: "/api/auth/logout", reply: { status: 204 } },
      { method: "GET", path: "/api/me", reply: unauthorized },
      { method: "POST", path: "/api/auth/refresh", reply: unauthorized },
    ]));
  });

  it("logs out on the server, then loads the log-in page afresh", async () => {
    signedIn(client, seat("admin"));
    renderGuarded(client);
    await userEvent.click(await screen.findByRole("button", { name: "Log out" }));
    await waitFor(() => expect(replaceDocument).toHaveBeenCalledWith("/login"));
    expect(sent.map((call) => `${call.method} ${call.path}`)).toEqual(["POST /api/auth/logout"]);
  });

  it("a guard that sees the seat gone while the page is leaving goes to plain /login", async () => {
    signedIn(client, seat("admin"));
    const router = renderGuarded(client);
    await userEvent.click(await screen.findByRole("button", { name: "Log out" }));
    await waitFor(() => expect(replaceDocument).toHaveBeenCalled());
    client.setQueryData(ME, null); // a request still in flight answered 401, and refresh failed
    await screen.findByRole("heading", { name: "Log in" });
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toBe("");
  });

  it("an expired session goes to log in with the way back, even after an earlier log-out", async () => {
    signedIn(client, seat("admin"));
    renderGuarded(client);
    await userEvent.click(await screen.findByRole("button", { name: "Log out" }));
    await waitFor(() => expect(replaceDocument).toHaveBeenCalled());
    cleanup();
    signedIn(client, seat("admin")); // logged in again
    const router = renderGuarded(client);
    await screen.findByRole("button", { name: "Log out" });
    client.setQueryData(ME, null);
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    expect(new URLSearchParams(router.state.location.search).get("next")).toBe("/invoices?status=open");
  });
});
