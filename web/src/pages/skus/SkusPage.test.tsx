import { calls, priceVersion, renderAt, SKU_ID, sku, stubApi } from "./testing";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import SkusPage from "./SkusPage";

const active = sku();
const archived = sku({
  id: "6c0c9d2e-8f7a-4c3b-9e1d-2a6f4b8c0d22",
  name: "Storage",
  unit: "GB",
  currency: "EUR",
  archived_at: "2026-11-10T00:00:00Z",
  current_price: priceVersion({ model: "package", package_size: "100", package_price: "1.5", tiers: [] }),
});

function setup(role = "member") {
  stubApi({
    "GET /api/skus": (call) => (call.query.get("include_archived") === "true" ? [active, archived] : [active]),
  });
  const user = userEvent.setup({ delay: null });
  renderAt(<SkusPage />, { path: "/skus", role });
  return user;
}


// Typing through user-event takes a while on a busy machine (CI runs beside other work).
vi.setConfig({ testTimeout: 30_000 });
describe("SkusPage", () => {
  it("lists SKUs with their current price, linking to each", async () => {
    setup();
    expect(screen.getByRole("heading", { level: 1, name: "SKUs & pricing" })).toBeInTheDocument();
    const link = await screen.findByRole("link", { name: "API requests" });
    expect(link).toHaveAttribute("href", `/skus/${SKU_ID}`);
    const row = link.closest("tr") as HTMLElement;
    expect(within(row).getAllByRole("cell").map((cell) => cell.textContent)).toEqual([
      "API requests",
      "API call",
      "USD",
      "Graduated",
      "up to 1,000: $0.01 each; above 1,000: $0.005 each",
      "Active",
    ]);
    expect(screen.getByRole("link", { name: "New SKU" })).toHaveAttribute("href", "/skus/new");
    expect(calls[0]?.query.get("include_archived")).toBe("false");
  });

  it("shows archived SKUs on request", async () => {
    const user = setup();
    await screen.findByRole("link", { name: "API requests" });
    expect(screen.queryByRole("link", { name: "Storage" })).not.toBeInTheDocument();
    await user.click(screen.getByLabelText("Show archived"));
    const row = (await screen.findByRole("link", { name: "Storage" })).closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("Package");
    expect(row).toHaveTextContent("€1.50 per package of 100 GB");
    expect(row).toHaveTextContent("Archived");
  });

  it("has an empty state", async () => {
    stubApi({ "GET /api/skus": () => [] });
    renderAt(<SkusPage />, { path: "/skus" });
    expect(await screen.findByText("No SKUs yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create your first SKU" })).toHaveAttribute("href", "/skus/new");
  });

  it("shows an error it can retry", async () => {
    let fail = true;
    stubApi({
      "GET /api/skus": () => (fail ? { status: 503, json: { error: { code: "unavailable", message: "down", details: null } } } : [active]),
    });
    const user = userEvent.setup({ delay: null });
    renderAt(<SkusPage />, { path: "/skus" });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server could not answer");
    fail = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("link", { name: "API requests" })).toBeInTheDocument();
  });

  it("disables New SKU for a viewer, saying why", async () => {
    setup("viewer");
    await screen.findByRole("link", { name: "API requests" });
    expect(screen.queryByRole("link", { name: "New SKU" })).not.toBeInTheDocument();
    const button = screen.getByRole("button", { name: "New SKU" });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("title", "Needs the member role or higher; you are viewer.");
    expect(screen.getByText(/Needs the member role or higher; you are viewer\. You can look at SKUs/)).toBeInTheDocument();
  });
});
