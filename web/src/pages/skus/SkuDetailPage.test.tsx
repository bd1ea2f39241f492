import { calls, priceVersion, renderAt, SKU_ID, sku, stubApi, validationError } from "./testing";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/api/client";
import SkuDetailPage from "./SkuDetailPage";

const preview: Schemas["Preview"] = {
  sku_id: SKU_ID,
  price_version: 1,
  currency: "USD",
  quantity: "1500",
  billable_quantity: "1500",
  lines: [
    { description: "tier 1", tier: 1, tier_from: "0", tier_up_to: "1000", quantity: "1000", unit_price: "0.01", flat_fee: "0", amount: "10.00" },
    { description: "tier 2", tier: 2, tier_from: "1000", tier_up_to: null, quantity: "500", unit_price: "0.005", flat_fee: "2", amount: "4.500" },
  ],
  subtotal: "14.500",
  minimum_top_up: "0",
  amount: "14.500",
  amount_minor: 1450,
};

const PATH = `/api/skus/${SKU_ID}`;

function setup(table: Parameters<typeof stubApi>[0] = {}, { role = "member", data = sku() } = {}) {
  stubApi({ [`GET ${PATH}`]: () => data, ...table });
  const user = userEvent.setup({ delay: null });
  renderAt(<SkuDetailPage />, { path: "/skus/:skuId", url: `/skus/${SKU_ID}`, role });
  return user;
}


// Typing through user-event takes a while on a busy machine (CI runs beside other work).
vi.setConfig({ testTimeout: 30_000 });
describe("SkuDetailPage", () => {
  it("shows the SKU, its versions and which one is current", async () => {
    const v1 = priceVersion({ locked: true });
    const v2 = priceVersion({
      id: "9d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6",
      version: 2,
      model: "per_unit",
      unit_price: "0.008",
      tiers: [],
      effective_from: "2026-12-01T00:00:00Z",
    });
    setup({}, { data: sku({ versions: [v1, v2], current_price: v1 }) });
    expect(await screen.findByRole("heading", { level: 1, name: "API requests" })).toBeInTheDocument();
    const table = within(screen.getByRole("heading", { name: "Price versions" }).closest("div.rounded-lg") as HTMLElement).getByRole("table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0]?.textContent)).toEqual(["v2", "v1"]);
    expect(rows[0]).toHaveTextContent("Per unit");
    expect(rows[0]).toHaveTextContent("$0.008 per API call");
    expect(within(rows[0] as HTMLElement).getByText("Scheduled")).toBeInTheDocument();
    expect(rows[1]).toHaveAttribute("aria-current", "true");
    expect(within(rows[1] as HTMLElement).getByText("Current")).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText("Locked")).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent("up to 1,000: $0.01 each");
    expect(screen.getByText("Active")).toBeInTheDocument();
  });

  it("says when the SKU does not exist", async () => {
    stubApi({ [`GET ${PATH}`]: () => ({ status: 404, json: { error: { code: "not_found", message: `No SKU ${SKU_ID}.`, details: null } } }) });
    renderAt(<SkuDetailPage />, { path: "/skus/:skuId", url: `/skus/${SKU_ID}` });
    expect(await screen.findByRole("alert")).toHaveTextContent(`No SKU ${SKU_ID}.`);
  });

  it("previews what a quantity would cost, line by line", async () => {
    const user = setup({ [`GET ${PATH}/preview`]: () => preview });
    await screen.findByRole("heading", { name: "What would it cost" });
    // One field of the page says quantity (the schedule form, with "Included quantity", is closed).
    expect(screen.getAllByLabelText(/quantity/i)).toHaveLength(1);
    await user.type(screen.getByLabelText("Quantity"), "1500");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByTestId("preview-total")).toHaveTextContent("$14.50");
    const request = calls.find((call) => call.path.endsWith("/preview"));
    expect(request?.query.get("quantity")).toBe("1500");
    expect(request?.query.has("at")).toBe(false);
    const result = screen.getByRole("region", { name: "Preview result" });
    const rows = within(result).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent))).toEqual([
      ["tier 1", "0 – 1,000", "1,000", "$0.01", "$0.00", "$10.00"],
      ["tier 2", "1,000 and above", "500", "$0.005", "$2.00", "$4.50"],
    ]);
    expect(within(result).getByText("Subtotal").nextSibling).toHaveTextContent("$14.50");
    expect(within(result).queryByText("Minimum top-up")).not.toBeInTheDocument();
  });

  it("shows the minimum top-up, and the unrounded amount when rounding changed it", async () => {
    const user = setup({
      [`GET ${PATH}/preview`]: (call) => ({
        ...preview,
        quantity: call.query.get("quantity") ?? "",
        billable_quantity: "0.5",
        lines: [{ description: "per unit", tier: null, tier_from: null, tier_up_to: null, quantity: "0.5", unit_price: "0.011", flat_fee: "0", amount: "0.0055" }],
        subtotal: "0.0055",
        minimum_top_up: "4.9945",
        amount: "5.0000",
        amount_minor: 500,
      }),
    });
    await user.type(await screen.findByLabelText("Quantity"), "100.5");
    await user.type(screen.getByLabelText("Price in force at"), "2026-12-02T00:00:00");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByTestId("preview-total")).toHaveTextContent("$5.00");
    expect(screen.getByText("Minimum top-up").nextSibling).toHaveTextContent("$4.9945");
    expect(screen.getByText(/billable after the included quantity: 0.5/)).toBeInTheDocument();
    expect(calls.find((call) => call.path.endsWith("/preview"))?.query.get("at")).toBe("2026-12-02T00:00:00.000Z");
  });

  it("checks the quantity, and shows the API's refusal", async () => {
    const user = setup({
      [`GET ${PATH}/preview`]: () => ({ status: 404, json: { error: { code: "not_found", message: "No price is in force for this SKU at that time.", details: null } } }),
    });
    await user.type(await screen.findByLabelText("Quantity"), "12abc");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    await waitFor(() => expect(screen.getByLabelText("Quantity")).toHaveAccessibleDescription(/Enter a number/));
    expect(calls.some((call) => call.path.endsWith("/preview"))).toBe(false);
    await user.clear(screen.getByLabelText("Quantity"));
    await user.type(screen.getByLabelText("Quantity"), "-5");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByText("No price is in force for this SKU at that time.")).toBeInTheDocument();
    expect(screen.queryByTestId("preview-total")).not.toBeInTheDocument();
  });

  it("schedules a new price and maps the API's errors onto it", async () => {
    let attempt = 0;
    const user = setup({
      [`POST ${PATH}/prices`]: () => {
        attempt += 1;
        if (attempt === 1) return validationError([{ field: "price.tiers.0.flat_fee", message: "USD has 2 decimals; 0.001 has more" }]);
        if (attempt === 2) return { status: 409, json: { error: { code: "conflict", message: "A finalised invoice already bills this SKU after that time.", details: [{ field: "effective_from", message: "a finalised invoice covers this time" }] } } };
        const v2 = priceVersion({ id: "9d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6", version: 2, effective_from: "2026-12-01T00:00:00Z" });
        return { status: 201, json: sku({ versions: [priceVersion(), v2] }) };
      },
    });
    await screen.findByRole("heading", { name: "Schedule a new price" });
    expect(screen.queryByLabelText("Pricing model")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Schedule a new price" }));
    await user.selectOptions(screen.getByLabelText("Pricing model"), "Graduated");
    await user.type(screen.getByLabelText("Unit price (tier 1)"), "0.02");
    await user.type(screen.getByLabelText("Flat fee (tier 1)"), "1");
    await user.click(screen.getByRole("button", { name: "Schedule price" }));
    await waitFor(() => expect(screen.getByLabelText("Flat fee (tier 1)")).toHaveAccessibleDescription("USD has 2 decimals; 0.001 has more"));

    await user.type(screen.getByLabelText("Effective from"), "2026-10-01T00:00:00");
    await user.click(screen.getByRole("button", { name: "Schedule price" }));
    await waitFor(() => expect(screen.getByLabelText("Effective from")).toHaveAccessibleDescription(expect.stringContaining("a finalised invoice covers this time")));

    await user.click(screen.getByRole("button", { name: "Schedule price" }));
    expect(await screen.findByRole("status")).toHaveTextContent(/Version 2 takes effect/);
    const bodies = calls.filter((call) => call.method === "POST").map((call) => call.body);
    expect(bodies[0]).toEqual({
      price: { model: "graduated", tiers: [{ up_to: null, unit_price: "0.02", flat_fee: "1" }], included_quantity: "0", minimum_charge: "0" },
    });
    expect(bodies[2]).toEqual({ ...(bodies[0] as object), effective_from: "2026-10-01T00:00:00.000Z" });
    // The answer is the SKU with the new version, shown at once; the form closes, empty again.
    expect(await screen.findByText("v2")).toBeInTheDocument();
    expect(screen.queryByLabelText("Pricing model")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Schedule a new price" }));
    expect(screen.getByLabelText("Pricing model")).toHaveValue("");
    expect(screen.queryByLabelText("Unit price (tier 1)")).not.toBeInTheDocument();
  });

  it("starts a new price from the current one", async () => {
    const user = setup();
    await user.click(await screen.findByRole("button", { name: "Schedule a new price" }));
    await user.click(screen.getByRole("button", { name: "Start from the current price" }));
    expect(screen.getByLabelText("Pricing model")).toHaveValue("graduated");
    expect(screen.getByLabelText("Up to (tier 1)")).toHaveValue("1000");
    expect(screen.getByLabelText("Unit price (tier 2)")).toHaveValue("0.005");
  });

  it("renames the SKU in a dialog", async () => {
    const user = setup({ [`PUT ${PATH}`]: (call) => sku(call.body as { name: string; unit: string }) });
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByLabelText("Name")).toHaveValue("API requests");
    await user.clear(within(dialog).getByLabelText("Name"));
    await user.type(within(dialog).getByLabelText("Name"), "Requests");
    await user.clear(within(dialog).getByLabelText("Unit"));
    await user.type(within(dialog).getByLabelText("Unit"), "request");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Requests" })).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(calls.find((call) => call.method === "PUT")?.body).toEqual({ name: "Requests", unit: "request" });
  });

  it("shows the API's error on the rename's field", async () => {
    const user = setup({ [`PUT ${PATH}`]: () => validationError([{ field: "unit", message: "String should have at most 50 characters" }]) });
    await user.click(await screen.findByRole("button", { name: "Edit" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Unit")).toHaveAccessibleDescription("String should have at most 50 characters"));
  });

  it("archives after confirmation", async () => {
    const user = setup({ [`POST ${PATH}/archive`]: () => sku({ archived_at: "2026-11-20T08:00:00Z" }) });
    await user.click(await screen.findByRole("button", { name: "Archive SKU" }));
    expect(calls.some((call) => call.path.endsWith("/archive"))).toBe(false);
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Archive" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(calls.filter((call) => call.path.endsWith("/archive"))).toHaveLength(1);
    expect(screen.getByText(/^Archived Nov/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Archive SKU" })).toBeDisabled();
  });

  it("lets a viewer look and preview, not change", async () => {
    const user = setup({ [`GET ${PATH}/preview`]: () => preview }, { role: "viewer" });
    await screen.findByRole("heading", { level: 1, name: "API requests" });
    for (const name of ["Edit", "Archive SKU", "Schedule a new price"]) {
      const button = screen.getByRole("button", { name });
      expect(button).toBeDisabled();
      expect(button).toHaveAttribute("title", "Needs the member role or higher; you are viewer.");
    }
    expect(screen.getAllByText(/Needs the member role or higher; you are viewer/).length).toBeGreaterThan(0);
    await user.type(screen.getByLabelText("Quantity"), "1500");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByTestId("preview-total")).toHaveTextContent("$14.50");
  });
});
