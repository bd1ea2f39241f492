import { calls, renderAt, SKU_ID, sku, stubApi, validationError } from "./testing";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import NewSkuPage from "./NewSkuPage";

function setup(answer: Parameters<typeof stubApi>[0][string] = () => ({ status: 201, json: sku() }), role = "member") {
  stubApi({ "POST /api/skus": answer });
  const user = userEvent.setup({ delay: null });
  renderAt(<NewSkuPage />, { path: "/skus/new", role });
  return user;
}

async function fillSku(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("Name"), "API requests");
  await user.type(screen.getByLabelText("Unit"), "API call");
}

const posted = () => calls.filter((call) => call.method === "POST").map((call) => call.body);


// Typing through user-event takes a while on a busy machine (CI runs beside other work).
vi.setConfig({ testTimeout: 30_000 });
describe("NewSkuPage", () => {
  it("creates a graduated SKU and opens it", async () => {
    const user = setup();
    expect(screen.getByRole("heading", { level: 1, name: "New SKU" })).toBeInTheDocument();
    expect(screen.getByLabelText("Currency")).toHaveValue("USD");
    // One label says "unit" until a model is chosen (a browser test finds "Unit" by substring).
    expect(screen.getAllByLabelText(/unit/i)).toHaveLength(1);
    expect(screen.getByText(/preview .* is available after creation/)).toBeInTheDocument();
    await fillSku(user);
    await user.selectOptions(screen.getByLabelText("Currency"), "EUR");
    await user.selectOptions(screen.getByLabelText("Pricing model"), "Graduated");
    await user.type(screen.getByLabelText("Up to (tier 1)"), "1000");
    await user.type(screen.getByLabelText("Unit price (tier 1)"), "0.01");
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    await user.type(screen.getByLabelText("Unit price (tier 2)"), "0.005");
    await user.type(screen.getByLabelText("Effective from"), "2026-11-15T12:30:00");
    await user.click(screen.getByRole("button", { name: "Create SKU" }));

    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(`/skus/${SKU_ID}`));
    expect(posted()).toEqual([
      {
        name: "API requests",
        unit: "API call",
        currency: "EUR",
        effective_from: "2026-11-15T12:30:00.000Z",
        price: {
          model: "graduated",
          tiers: [
            { up_to: "1000", unit_price: "0.01", flat_fee: "0" },
            { up_to: null, unit_price: "0.005", flat_fee: "0" },
          ],
          included_quantity: "0",
          minimum_charge: "0",
        },
      },
    ]);
  });

  it("leaves out an empty start date and sends a per-unit price", async () => {
    const user = setup();
    await fillSku(user);
    await user.selectOptions(screen.getByLabelText("Pricing model"), "Per unit");
    await user.type(screen.getByLabelText("Unit price"), "0.002");
    await user.click(screen.getByRole("button", { name: "Create SKU" }));
    await waitFor(() => expect(posted()).toHaveLength(1));
    expect(posted()[0]).toEqual({
      name: "API requests",
      unit: "API call",
      currency: "USD",
      price: { model: "per_unit", unit_price: "0.002", included_quantity: "0", minimum_charge: "0" },
    });
  });

  it("shows the API's error next to the tier's bound, and the rest above the form", async () => {
    const user = setup(() =>
      validationError([
        { field: "price.tiers.1.up_to", message: "must be above the previous tier" },
        { field: "price.something_new", message: "is not allowed" },
      ]),
    );
    await fillSku(user);
    await user.selectOptions(screen.getByLabelText("Pricing model"), "volume");
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    await user.type(screen.getByLabelText("Up to (tier 1)"), "10");
    await user.type(screen.getByLabelText("Up to (tier 2)"), "20");
    for (const n of [1, 2, 3]) await user.type(screen.getByLabelText(`Unit price (tier ${n})`), "1");
    await user.click(screen.getByRole("button", { name: "Create SKU" }));

    const upTo = screen.getByLabelText("Up to (tier 2)");
    await waitFor(() => expect(upTo).toHaveAccessibleDescription("must be above the previous tier"));
    expect(upTo).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Up to (tier 1)")).not.toHaveAttribute("aria-invalid");
    const alerts = screen.getAllByRole("alert").map((alert) => alert.textContent);
    expect(alerts).toContain("price.something_new: is not allowed");
    // Still here: nothing was created.
    expect(screen.queryByTestId("location")).not.toBeInTheDocument();
  });

  it("puts errors on the SKU's own fields and the price terms", async () => {
    const user = setup(() =>
      validationError([
        { field: "name", message: "String should have at most 200 characters" },
        { field: "price.minimum_charge", message: "USD has 2 decimals; 0.001 has more" },
        { field: "price.unit_price", message: "a per-unit price needs a unit_price of 0 or more" },
      ]),
    );
    await fillSku(user);
    await user.selectOptions(screen.getByLabelText("Pricing model"), "Per unit");
    await user.type(screen.getByLabelText("Unit price"), "1");
    await user.click(screen.getByRole("button", { name: "Create SKU" }));
    await waitFor(() => expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("String should have at most 200 characters"));
    expect(screen.getByLabelText("Minimum charge")).toHaveAccessibleDescription(expect.stringContaining("USD has 2 decimals; 0.001 has more"));
    expect(screen.getByLabelText("Unit price")).toHaveAccessibleDescription(expect.stringContaining("needs a unit_price"));
  });

  it("shows a conflict without fields above the form", async () => {
    const user = setup(() => ({
      status: 409,
      json: { error: { code: "conflict", message: "A price version already takes effect at 2026-11-01T00:00:00+00:00.", details: null } },
    }));
    await fillSku(user);
    await user.selectOptions(screen.getByLabelText("Pricing model"), "Per unit");
    await user.type(screen.getByLabelText("Unit price"), "1");
    await user.click(screen.getByRole("button", { name: "Create SKU" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("A price version already takes effect");
  });

  it("checks the form before sending it", async () => {
    const user = setup();
    await user.selectOptions(screen.getByLabelText("Pricing model"), "package");
    await user.type(screen.getByLabelText("Package size"), "0");
    await user.type(screen.getByLabelText("Package price"), "1.005");
    await user.click(screen.getByRole("button", { name: "Create SKU" }));
    expect(await screen.findByText("Name the SKU.")).toBeInTheDocument();
    expect(screen.getByLabelText("Package size")).toHaveAccessibleDescription(expect.stringContaining("more than 0 units"));
    expect(screen.getByLabelText("Package price")).toHaveAccessibleDescription(expect.stringContaining("USD has 2 decimals"));
    expect(posted()).toEqual([]);
  });

  it("is disabled for a viewer, with the reason", () => {
    setup(undefined, "viewer");
    expect(screen.getByRole("button", { name: "Create SKU" })).toBeDisabled();
    expect(screen.getByLabelText("Name")).toBeDisabled();
    expect(screen.getByLabelText("Pricing model")).toBeDisabled();
    expect(screen.getByText(/Needs the member role or higher; you are viewer/)).toBeInTheDocument();
  });
});
