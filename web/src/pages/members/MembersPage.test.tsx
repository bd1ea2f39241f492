import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { apiError, json, renderPage, seat, stubApi } from "@/test/admin-harness";
import MembersPage from "./MembersPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const OWNER_ID = "0190c1e2-0000-7000-8000-000000000001";
const ADMIN_ID = "0190c1e2-0000-7000-8000-000000000002";
const VIEWER_ID = "0190c1e2-0000-7000-8000-000000000003";

const members: Schemas["Members"] = {
  members: [
    { user_id: OWNER_ID, email: "ana@acme.io", role: "owner", created_at: "2026-10-01T10:00:00Z" },
    { user_id: ADMIN_ID, email: "bo@acme.io", role: "admin", created_at: "2026-10-02T10:00:00Z" },
    { user_id: VIEWER_ID, email: "cy@acme.io", role: "viewer", created_at: "2026-10-03T10:00:00Z" },
  ],
  invitations: [{ invitation_id: "0190c1e2-0000-7000-8000-0000000000f1", email: "di@acme.io", role: "member", expires_at: "2026-11-30T10:00:00Z" }],
};

beforeEach(() => {
  fetchMock.mockReset();
});

// Typing and polling take a few seconds on a busy machine: more than the 5 s default allows.
describe("MembersPage", { timeout: 20_000 }, () => {
  it("shows a viewer the invite form disabled, with the reason, and every seat locked", async () => {
    stubApi(fetchMock, [{ method: "GET", path: "/api/members", reply: json(members) }]);
    renderPage(<MembersPage />, seat("viewer", { user_id: VIEWER_ID, email: "cy@acme.io" }));

    expect(screen.getByRole("heading", { level: 2, name: "Invite a member" })).toBeInTheDocument();
    const send = screen.getByRole("button", { name: "Send invitation" });
    expect(send).toBeDisabled();
    expect(send).toHaveAttribute("title", expect.stringMatching(/admin role or higher; you are viewer/));
    expect(screen.getByText(/Only admins and owners invite members/)).toBeVisible();
    expect(screen.getByLabelText("Email")).toBeDisabled();
    expect(screen.getByLabelText("Role")).toBeDisabled();

    expect(await screen.findByRole("combobox", { name: "Role of bo@acme.io" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Remove bo@acme.io" })).toBeDisabled();
    expect(screen.getByRole("cell", { name: "di@acme.io" })).toBeInTheDocument();
  });

  it("lets an admin invite, shows the link to pass on, and keeps owners out of reach", async () => {
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/members", reply: json(members) },
      {
        method: "POST",
        path: "/api/members/invitations",
        reply: (sent) => {
          const body = sent.body as Schemas["InvitationIn"];
          return json(
            {
              invitation_id: "0190c1e2-0000-7000-8000-0000000000f2",
              email: body.email,
              role: body.role,
              expires_at: "2026-12-01T10:00:00Z",
              link: "http://localhost:8080/accept-invitation?token=abc123",
            },
            201,
          );
        },
      },
    ]);
    const user = userEvent.setup();
    renderPage(<MembersPage />, seat("admin", { user_id: ADMIN_ID, email: "bo@acme.io" }));

    const ownerRole = await screen.findByRole("combobox", { name: "Role of ana@acme.io" });
    expect(ownerRole).toBeDisabled();
    expect(screen.getByRole("button", { name: "Remove ana@acme.io" })).toBeDisabled();
    expect(screen.getAllByText("Only an owner can change or remove an owner.").length).toBeGreaterThan(0);
    expect(screen.getByRole("combobox", { name: "Role of cy@acme.io" })).toBeEnabled();

    const roleField = screen.getByLabelText("Role");
    expect(within(roleField).getAllByRole("option").map((o) => o.textContent)).toEqual(["Viewer", "Member", "Admin"]);
    await user.type(screen.getByLabelText("Email"), "ed@acme.io");
    await user.selectOptions(roleField, "Viewer");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));

    expect(await screen.findByTestId("invitation-link")).toHaveTextContent(/^http:\/\/localhost:8080\/accept-invitation\?token=abc123$/);
    expect(screen.getByText(/No email is sent/)).toBeInTheDocument();
    expect(api.sent.find((s) => s.method === "POST")?.body).toEqual({ email: "ed@acme.io", role: "viewer" });
  });

  it("changes a role, and keeps the last owner from demoting or removing themself", async () => {
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/members", reply: json(members) },
      {
        method: "PATCH",
        path: `/api/members/${VIEWER_ID}`,
        reply: (sent) => json({ ...members.members[2], role: (sent.body as Schemas["RoleChange"]).role }),
      },
      { method: "PATCH", path: `/api/members/${ADMIN_ID}`, reply: apiError(403, "Not today.") },
    ]);
    const user = userEvent.setup();
    renderPage(<MembersPage />, seat("owner", { user_id: OWNER_ID, email: "ana@acme.io" }));

    const own = await screen.findByRole("combobox", { name: "Role of ana@acme.io" });
    expect(own).toBeDisabled();
    expect(screen.getByRole("button", { name: "Remove ana@acme.io" })).toBeDisabled();
    expect(screen.getByText("You are the last owner: make someone else owner first.")).toBeInTheDocument();
    expect(within(screen.getByLabelText("Role")).getByRole("option", { name: "Owner" })).toBeInTheDocument();

    await user.selectOptions(screen.getByRole("combobox", { name: "Role of cy@acme.io" }), "Member");
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("cy@acme.io is now member."));
    expect(api.sent.filter((s) => s.method === "PATCH").map((s) => [s.path, s.body])).toEqual([[`/api/members/${VIEWER_ID}`, { role: "member" }]]);

    await user.selectOptions(screen.getByRole("combobox", { name: "Role of bo@acme.io" }), "Viewer");
    expect(await screen.findByText("Not today.")).toBeInTheDocument();
  });
});
