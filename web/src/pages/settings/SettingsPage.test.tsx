import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import { apiError, json, renderPage, seat, stubApi } from "@/test/admin-harness";
import SettingsPage from "./SettingsPage";

const fetchMock = vi.hoisted(() => {
  const mock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", mock);
  return mock;
});

const settings: Schemas["BillingSettings"] = {
  invoice_grace_period_minutes: 60,
  backdating_window_days: 35,
  collection_method: "charge_automatically",
  days_until_due: 30,
  send_zero_amount_invoices: false,
};
const WEBHOOK = "http://localhost:8080/api/webhooks/stripe/0190c1e2-0000-7000-8000-0000000000aa";
const disconnected: Schemas["StripeConnection"] = {
  connected: false,
  account_id: null,
  key_last4: null,
  livemode: null,
  connected_at: null,
  webhook_url: WEBHOOK,
};
const connected: Schemas["StripeConnection"] = {
  connected: true,
  account_id: "acct_1Nv0FGQ9RKHgCVdK",
  key_last4: "4xQz",
  livemode: false,
  connected_at: "2026-11-01T10:00:00Z",
  webhook_url: WEBHOOK,
};

beforeEach(() => {
  fetchMock.mockReset();
});

// Typing and polling take a few seconds on a busy machine: more than the 5 s default allows.
describe("SettingsPage", { timeout: 20_000 }, () => {
  it("sends only the changed fields, and puts a 422 under its field", async () => {
    let answer: "refuse" | "accept" = "refuse";
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/settings", reply: json(settings) },
      { method: "GET", path: "/api/settings/stripe", reply: json(disconnected) },
      {
        method: "PATCH",
        path: "/api/settings",
        reply: (sent) =>
          answer === "refuse"
            ? apiError(422, "The request is not valid.", [{ field: "days_until_due", message: "Input should be a weekday count" }])
            : json({ ...settings, ...(sent.body as object) }),
      },
    ]);
    const user = userEvent.setup();
    renderPage(<SettingsPage />, seat("admin"));

    const due = await screen.findByLabelText("Days until due");
    expect(due).toHaveValue(30);
    expect(screen.getByLabelText("Collection method")).toHaveDisplayValue("Charge the customer’s payment method automatically");
    await user.clear(due);
    await user.type(due, "45");
    await user.selectOptions(screen.getByLabelText("Collection method"), "send_invoice");
    await user.click(screen.getByRole("button", { name: "Save settings" }));

    await waitFor(() => expect(due).toHaveAccessibleDescription(/Input should be a weekday count/));
    expect(due).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Grace period (minutes)")).not.toHaveAttribute("aria-invalid");
    const patches = () => api.sent.filter((s) => s.method === "PATCH").map((s) => s.body);
    expect(patches()).toEqual([{ days_until_due: 45, collection_method: "send_invoice" }]);

    answer = "accept";
    await user.click(screen.getByLabelText("Send zero-amount invoices"));
    await user.clear(due);
    await user.type(due, "14");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Settings saved."));
    expect(patches()[1]).toEqual({ days_until_due: 14, collection_method: "send_invoice", send_zero_amount_invoices: true });
    expect(due).not.toHaveAttribute("aria-invalid");

    // Saved: nothing differs any more, so nothing is sent.
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(screen.getByRole("status")).toHaveTextContent("Nothing changed");
    expect(patches()).toHaveLength(2);
  });

  it("connects Stripe, clears the secrets as they are sent, and shows Stripe's refusal on the key", async () => {
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/settings", reply: json(settings) },
      { method: "GET", path: "/api/settings/stripe", reply: json(disconnected) },
      {
        method: "PUT",
        path: "/api/settings/stripe",
        reply: apiError(422, "Stripe refused the key.", [{ field: "secret_key", message: "Stripe says: Invalid API Key provided" }]),
      },
    ]);
    const user = userEvent.setup();
    renderPage(<SettingsPage />, seat("owner"));

    const key = await screen.findByLabelText("Stripe secret key");
    const secret = screen.getByLabelText("Webhook signing secret");
    expect(key).toHaveAttribute("type", "password");
    expect(key).toHaveAttribute("autocomplete", "off");
    expect(secret).toHaveAttribute("type", "password");
    expect(screen.getByText(WEBHOOK)).toBeInTheDocument();

    await user.type(key, "sk_test_51AbCdEfGh");
    await user.type(secret, "whsec_AbCdEfGh1234");
    await user.click(screen.getByRole("button", { name: "Connect Stripe" }));

    await waitFor(() => expect(key).toHaveAccessibleDescription(/Stripe says: Invalid API Key provided/));
    expect(api.sent.find((s) => s.method === "PUT")?.body).toEqual({ secret_key: "sk_test_51AbCdEfGh", webhook_secret: "whsec_AbCdEfGh1234" });
    expect(key).toHaveValue("");
    expect(secret).toHaveValue("");
  });

  it("shows a connection and disconnects after confirming", async () => {
    let stripe = connected;
    const api = stubApi(fetchMock, [
      { method: "GET", path: "/api/settings", reply: json(settings) },
      { method: "GET", path: "/api/settings/stripe", reply: () => json(stripe) },
      {
        method: "DELETE",
        path: "/api/settings/stripe",
        reply: () => {
          stripe = disconnected;
          return { status: 204 };
        },
      },
    ]);
    const user = userEvent.setup();
    renderPage(<SettingsPage />, seat("admin"));

    expect(await screen.findByText("acct_1Nv0FGQ9RKHgCVdK")).toBeInTheDocument();
    expect(screen.getByText("4xQz")).toBeInTheDocument();
    expect(screen.getByText("Test")).toBeInTheDocument();
    expect(screen.getByText(WEBHOOK)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Disconnect Stripe" }));
    const dialog = await screen.findByRole("dialog", { name: "Disconnect Stripe?" });
    await user.click(within(dialog).getByRole("button", { name: "Disconnect Stripe" }));

    expect(await screen.findByLabelText("Stripe secret key")).toBeInTheDocument();
    expect(api.sent.filter((s) => s.method === "DELETE")).toHaveLength(1);
  });

  it("shows a viewer everything disabled, with the reason", async () => {
    stubApi(fetchMock, [
      { method: "GET", path: "/api/settings", reply: json(settings) },
      { method: "GET", path: "/api/settings/stripe", reply: json(disconnected) },
    ]);
    renderPage(<SettingsPage />, seat("viewer"));

    const save = await screen.findByRole("button", { name: "Save settings" });
    expect(save).toBeDisabled();
    expect(screen.getByLabelText("Grace period (minutes)")).toBeDisabled();
    expect(screen.getByLabelText("Send zero-amount invoices")).toBeDisabled();
    expect(await screen.findByLabelText("Stripe secret key")).toBeDisabled();
    expect(screen.getByRole("button", { name: "Connect Stripe" })).toBeDisabled();
    expect(screen.getAllByText(/Only admins and owners change settings/)).toHaveLength(2);
  });
});
