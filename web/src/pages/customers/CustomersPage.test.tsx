import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { apiError, apiStub, customer, me, renderPage } from "@/test/billing-pages";
import CustomersPage from "./CustomersPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const ACME = customer({ id: "11111111-1111-4111-8111-111111111111", name: "Acme Inc", email: "billing@acme.test" });
const GLOBEX = customer({ id: "22222222-2222-4222-8222-222222222222", name: "Globex", currency: "EUR" });
const INITECH = customer({ id: "33333333-3333-4333-8333-333333333333", name: "Initech" });
const CURSOR = `${GLOBEX.id}~globex`;

function stub(options: { create?: (body: unknown) => Response | Schemas["Customer"] } = {}) {
  const api = apiStub({
    "GET /api/customers": ({ url }) => {
      const search = url.searchParams.get("search");
      if (search) return { customers: [ACME, GLOBEX].filter((c) => c.name.toLowerCase().includes(search)), next_cursor: null };
      if (url.searchParams.get("cursor") === CURSOR) return { customers: [INITECH], next_cursor: null };
      return { customers: [ACME, GLOBEX], next_cursor: CURSOR };
    },
    "POST /api/customers": ({ body }) => options.create?.(body) ?? json201(body),
  });
  fetchMock.mockImplementation(api.fetch);
  return api;
}

function json201(body: unknown): Response {
  const created = customer({ id: "44444444-4444-4444-8444-444444444444", ...(body as Partial<Schemas["Customer"]>), name: "Hooli" });
  return new Response(JSON.stringify(created), { status: 201, headers: { "Content-Type": "application/json" } });
}

function show(role = "member") {
  return renderPage(<CustomersPage />, { path: "/customers", route: "/customers", me: me(role) });
}

async function openForm(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("button", { name: "New customer" }));
  return screen.findByRole("dialog", { name: "New customer" });
}

describe("CustomersPage", () => {
  beforeEach(() => {
    fetchMock.mockReset();
  });

  it("lists customers and pages through them by cursor", async () => {
    const api = stub();
    const user = userEvent.setup();
    show();
    expect(screen.getByRole("heading", { level: 1, name: "Customers" })).toBeInTheDocument();
    const acme = await screen.findByRole("link", { name: "Acme Inc" });
    expect(acme).toHaveAttribute("href", `/customers/${ACME.id}`);
    const row = acme.closest("tr")!;
    expect(within(row).getByText(ACME.id)).toBeInTheDocument();
    expect(within(row).getByText("billing@acme.test")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByRole("link", { name: "Initech" })).toBeInTheDocument();
    expect(api.to("GET", "/api/customers").at(-1)!.url.searchParams.get("cursor")).toBe(CURSOR);
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Previous page" }));
    expect(await screen.findByRole("link", { name: "Acme Inc" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();
  });

  it("sends the search once typing pauses, and the archived toggle", async () => {
    const api = stub();
    const user = userEvent.setup();
    show();
    await screen.findByRole("link", { name: "Acme Inc" });
    await user.type(screen.getByLabelText("Search customers"), "glo");
    await waitFor(() => expect(screen.queryByRole("link", { name: "Acme Inc" })).not.toBeInTheDocument());
    const searched = api.to("GET", "/api/customers").filter((call) => call.url.searchParams.has("search"));
    expect(searched.map((call) => call.url.searchParams.get("search"))).toEqual(["glo"]); // not "g", "gl"
    expect(screen.getByRole("link", { name: "Globex" })).toBeInTheDocument();

    await user.click(screen.getByLabelText("Show archived"));
    await waitFor(() =>
      expect(api.to("GET", "/api/customers").at(-1)!.url.searchParams.get("include_archived")).toBe("true"),
    );
  });

  it("puts the API's 422 on the field it names", async () => {
    const api = stub({
      create: () =>
        apiError(422, "validation_error", "Invalid fields.", [
          { field: "email", message: "The domain of the email address does not accept mail." },
        ]),
    });
    const user = userEvent.setup();
    show();
    const dialog = await openForm(user);
    await user.type(within(dialog).getByLabelText("Name"), "Hooli");
    await user.type(within(dialog).getByLabelText("Email"), "billing@hooli.test");
    await user.click(within(dialog).getByRole("button", { name: "Create customer" }));

    const email = within(dialog).getByLabelText("Email");
    await waitFor(() => expect(email).toHaveAttribute("aria-invalid", "true"));
    expect(email).toHaveAccessibleDescription(expect.stringContaining("The domain of the email address does not accept mail."));
    expect(within(dialog).getByLabelText("Name")).not.toHaveAttribute("aria-invalid");
    expect(api.to("POST", "/api/customers")[0]!.body).toEqual({ name: "Hooli", currency: "USD", email: "billing@hooli.test" });
  });

  it("rejects metadata that is not a JSON object before sending anything", async () => {
    const api = stub();
    const user = userEvent.setup();
    show();
    const dialog = await openForm(user);
    await user.type(within(dialog).getByLabelText("Name"), "Hooli");
    const metadata = within(dialog).getByLabelText("Metadata");
    await user.click(metadata);
    await user.paste('{"crm_id": 12,');
    await user.click(within(dialog).getByRole("button", { name: "Create customer" }));
    await waitFor(() => expect(metadata).toHaveAttribute("aria-invalid", "true"));
    expect(metadata).toHaveAccessibleDescription(expect.stringContaining("Metadata is not valid JSON"));

    await user.clear(metadata);
    await user.paste('["not", "an object"]');
    await user.click(within(dialog).getByRole("button", { name: "Create customer" }));
    await waitFor(() => expect(metadata).toHaveAccessibleDescription(expect.stringContaining("must be a JSON object")));
    expect(api.to("POST", "/api/customers")).toHaveLength(0);
  });

  it("creates a customer with the ID the merchant's events use, and its metadata", async () => {
    const api = stub();
    const user = userEvent.setup();
    show();
    const dialog = await openForm(user);
    expect(within(dialog).getByLabelText("Currency")).toHaveValue("USD");
    await user.type(within(dialog).getByLabelText("Name"), "Hooli");
    await user.selectOptions(within(dialog).getByLabelText("Currency"), "JPY");
    await user.type(within(dialog).getByLabelText("Customer ID"), "not-a-uuid");
    await user.click(within(dialog).getByRole("button", { name: "Create customer" }));
    expect(await within(dialog).findByText(/Enter a UUID/)).toBeInTheDocument();

    await user.clear(within(dialog).getByLabelText("Customer ID"));
    await user.type(within(dialog).getByLabelText("Customer ID"), "4F5C3A2E-1B0D-4E8F-9A7B-6C5D4E3F2A10");
    await user.click(within(dialog).getByLabelText("Metadata"));
    await user.paste('{"crm_id": "0012345", "vip": true}');
    await user.click(within(dialog).getByRole("button", { name: "Create customer" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(api.to("POST", "/api/customers")[0]!.body).toEqual({
      name: "Hooli",
      currency: "JPY",
      email: null,
      id: "4f5c3a2e-1b0d-4e8f-9a7b-6c5d4e3f2a10",
      metadata: { crm_id: "0012345", vip: true },
    });
    expect(screen.getByRole("status")).toHaveTextContent("Customer created: Hooli.");
  });

  it("shows a taken ID on the Customer ID field", async () => {
    stub({ create: () => apiError(409, "conflict", "A customer with id 4f5c3a2e-1b0d-4e8f-9a7b-6c5d4e3f2a10 already exists.") });
    const user = userEvent.setup();
    show();
    const dialog = await openForm(user);
    await user.type(within(dialog).getByLabelText("Name"), "Hooli");
    await user.type(within(dialog).getByLabelText("Customer ID"), "4f5c3a2e-1b0d-4e8f-9a7b-6c5d4e3f2a10");
    await user.click(within(dialog).getByRole("button", { name: "Create customer" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Customer ID")).toHaveAccessibleDescription(expect.stringContaining("already exists")));
  });

  it("disables New customer for a viewer, saying why", async () => {
    stub();
    show("viewer");
    const button = screen.getByRole("button", { name: "New customer" });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("title", "Needs the member role or higher; you are viewer.");
    expect(screen.getByText("Needs the member role or higher; you are viewer.")).toBeInTheDocument();
  });
});
