import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { json, renderPage, seat, stubApi } from "@/test/admin-harness";
import ApiKeysPage from "./ApiKeysPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const active: Schemas["ApiKey"] = {
  id: "0190c1e2-0000-7000-8000-00000000000a",
  name: "production backend",
  prefix: "bb_live",
  created_by: "ana@acme.io",
  created_at: "2026-11-01T10:00:00Z",
  last_used_at: null,
  revoked_at: null,
};
const revoked: Schemas["ApiKey"] = {
  ...active,
  id: "0190c1e2-0000-7000-8000-00000000000b",
  name: "old laptop",
  prefix: "bb_old1",
  revoked_at: "2026-11-02T09:30:00Z",
};
const SECRET = "bb_newk_3f9c2a7d1e0b4c8a9f6e5d4c3b2a1908";

beforeEach(() => {
  fetchMock.mockReset();
});

// Typing and polling take a few seconds on a busy machine: more than the 5 s default allows.
describe("ApiKeysPage", { timeout: 20_000 }, () => {
  it("shows a new key once: after Done it is gone from the page", async () => {
    let list = [active, revoked];
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/api-keys", reply: () => json(list) },
      {
        method: "POST",
        path: "/api/api-keys",
        reply: (sent) => {
          const name = (sent.body as Schemas["ApiKeyIn"]).name;
          const key = { ...active, id: "0190c1e2-0000-7000-8000-00000000000c", name, prefix: "bb_newk" };
          list = [key, ...list];
          return json({ ...key, key: SECRET }, 201);
        },
      },
    ]);
    const user = userEvent.setup();
    renderPage(<ApiKeysPage />, seat("admin"));

    expect(await screen.findByRole("cell", { name: "production backend" })).toBeInTheDocument();
    // The key's name names one cell only (not also the cell of its "Revoke …" button).
    expect(screen.getAllByRole("cell", { name: /production backend/ })).toHaveLength(1);
    expect(screen.getByRole("cell", { name: "old laptop" }).closest("tr")).toHaveTextContent("Revoked");
    expect(screen.queryByRole("button", { name: "Revoke old laptop" })).not.toBeInTheDocument();

    await user.type(screen.getByLabelText("Key name"), "ci runner");
    await user.click(screen.getByRole("button", { name: "Create key" }));

    const dialog = await screen.findByRole("dialog", { name: "Your new API key" });
    expect(within(dialog).getByText(SECRET)).toBeInTheDocument();
    expect(within(dialog).getByText(/won’t be shown again/)).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Copy" })).toBeInTheDocument();
    expect(api.sent.find((s) => s.method === "POST")?.body).toEqual({ name: "ci runner" });

    await user.click(within(dialog).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByRole("cell", { name: "ci runner" })).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(screen.getByText("bb_newk…")).toBeInTheDocument();
    expect(api.unhandled).toEqual([]);
  });

  it("revokes a key after confirming, with DELETE", async () => {
    let list = [active];
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/api-keys", reply: () => json(list) },
      {
        method: "DELETE",
        path: `/api/api-keys/${active.id}`,
        reply: () => {
          list = [{ ...active, revoked_at: "2026-11-03T12:00:00Z" }];
          return { status: 204 };
        },
      },
    ]);
    const user = userEvent.setup();
    renderPage(<ApiKeysPage />, seat("owner"));

    await user.click(await screen.findByRole("button", { name: "Revoke production backend" }));
    const dialog = await screen.findByRole("dialog");
    expect(api.sent.some((s) => s.method === "DELETE")).toBe(false);
    await user.click(within(dialog).getByRole("button", { name: "Revoke key" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(api.sent.filter((s) => s.method === "DELETE").map((s) => s.path)).toEqual([`/api/api-keys/${active.id}`]);
    const row = screen.getByRole("cell", { name: "production backend" }).closest("tr");
    expect(row).toHaveTextContent("Revoked");
    expect(screen.queryByRole("button", { name: "Revoke production backend" })).not.toBeInTheDocument();
  });

  it("explains to a member why there is nothing to manage, without asking the API", async () => {
    const api = stubApi(fetchMock, []);
    renderPage(<ApiKeysPage />, seat("member"));

    expect(screen.getByText("Only admins and owners manage API keys.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Create key" })).toBeDisabled();
    expect(screen.getByLabelText("Key name")).toBeDisabled();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(api.sent).toEqual([]);
  });
});
