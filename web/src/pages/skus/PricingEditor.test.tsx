import { zodResolver } from "@hookform/resolvers/zod";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { FormProvider, useForm } from "react-hook-form";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { type PriceFormValues, PricingEditor } from "./PricingEditor";
import { type PriceIn, checkPrice, emptyPrice, priceSchema, toPriceIn } from "./pricing";

const schema = z
  .object({ effective_from: z.string(), price: priceSchema })
  .superRefine((values, ctx) => checkPrice(values.price, "USD", (path, message) => ctx.addIssue({ code: "custom", path, message })));

function Harness({ onSubmit }: { onSubmit: (price: PriceIn) => void }) {
  const form = useForm<PriceFormValues>({ resolver: zodResolver(schema), defaultValues: { effective_from: "", price: emptyPrice() } });
  return (
    <FormProvider {...form}>
      <form noValidate onSubmit={form.handleSubmit((values) => onSubmit(toPriceIn(values.price)))}>
        <PricingEditor currency="USD" effectiveFromHint="Empty: the start of the period." />
        <button type="submit">Submit</button>
      </form>
    </FormProvider>
  );
}

function setup() {
  const onSubmit = vi.fn();
  const user = userEvent.setup({ delay: null });
  render(<Harness onSubmit={onSubmit} />);
  return { user, onSubmit };
}

const labels = () => screen.getAllByRole<HTMLInputElement>("textbox").map((input) => input.labels?.[0]?.textContent);


// Typing through user-event takes a while on a busy machine (CI runs beside other work).
vi.setConfig({ testTimeout: 30_000 });
describe("PricingEditor", () => {
  it("shows the fields of the chosen model", async () => {
    const { user } = setup();
    const model = screen.getByLabelText("Pricing model");
    expect(within(model).getAllByRole("option").map((o) => o.textContent)).toEqual(["Choose a model", "Per unit", "Graduated", "Volume", "Package"]);
    // No model until one is chosen, and so none of a model's terms.
    expect(model).toHaveValue("");
    expect(screen.queryByLabelText(/unit price/i)).not.toBeInTheDocument();

    await user.selectOptions(model, "Per unit");
    expect(screen.getByLabelText("Unit price")).toBeInTheDocument();
    expect(screen.queryByLabelText("Package size")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Up to (tier 1)")).not.toBeInTheDocument();

    await user.selectOptions(model, "Package");
    expect(screen.queryByLabelText("Unit price")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Package size")).toBeInTheDocument();
    expect(screen.getByLabelText("Package price")).toBeInTheDocument();

    await user.selectOptions(model, "Graduated");
    expect(screen.queryByLabelText("Package size")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Up to (tier 1)")).toHaveAttribute("placeholder", "∞ (and above)");
    expect(screen.getByLabelText("Unit price (tier 1)")).toBeInTheDocument();
    expect(screen.getByLabelText("Flat fee (tier 1)")).toBeInTheDocument();

    await user.selectOptions(model, "Volume");
    expect(screen.getByLabelText("Unit price (tier 1)")).toBeInTheDocument();
    // Every model has these, and the start date.
    for (const label of ["Included quantity", "Minimum charge", "Effective from"]) expect(screen.getByLabelText(label)).toBeInTheDocument();
    expect(screen.getByLabelText("Effective from")).toHaveAttribute("type", "datetime-local");
  });

  it("adds and removes tiers, numbering them from 1", async () => {
    const { user } = setup();
    await user.selectOptions(screen.getByLabelText("Pricing model"), "graduated");
    // One tier: it cannot be removed.
    expect(screen.getByRole("button", { name: "Remove tier 1" })).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Add tier" }));
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    expect(screen.getByLabelText("Up to (tier 3)")).toHaveAttribute("placeholder", "∞ (and above)");
    expect(screen.getByLabelText("Up to (tier 1)")).not.toHaveAttribute("placeholder", "∞ (and above)");
    await user.type(screen.getByLabelText("Unit price (tier 1)"), "1");
    await user.type(screen.getByLabelText("Unit price (tier 2)"), "2");
    await user.type(screen.getByLabelText("Unit price (tier 3)"), "3");

    await user.click(screen.getByRole("button", { name: "Remove tier 2" }));
    expect(screen.queryByLabelText("Unit price (tier 3)")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Remove tier 3" })).not.toBeInTheDocument();
    expect(screen.getByLabelText("Unit price (tier 1)")).toHaveValue("1");
    expect(screen.getByLabelText("Unit price (tier 2)")).toHaveValue("3");
    expect(labels()).toEqual([
      "Up to (tier 1)",
      "Unit price (tier 1)",
      "Flat fee (tier 1)",
      "Up to (tier 2)",
      "Unit price (tier 2)",
      "Flat fee (tier 2)",
      "Included quantity",
      "Minimum charge",
    ]);
  });

  it("clears the bound of the tier that becomes the last", async () => {
    const { user } = setup();
    await user.selectOptions(screen.getByLabelText("Pricing model"), "volume");
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    // The cursor goes to the bound the former last tier now needs.
    expect(screen.getByLabelText("Up to (tier 1)")).toHaveFocus();
    await user.type(screen.getByLabelText("Up to (tier 1)"), "100");
    await user.click(screen.getByRole("button", { name: "Remove tier 2" }));
    expect(screen.getByLabelText("Up to (tier 1)")).toHaveValue("");
    expect(screen.getByLabelText("Up to (tier 1)")).toHaveAttribute("placeholder", "∞ (and above)");
  });

  it("asks for a model", async () => {
    const { user, onSubmit } = setup();
    await user.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(screen.getByLabelText("Pricing model")).toHaveAccessibleDescription(/Choose a pricing model\./));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits a per-unit price", async () => {
    const { user, onSubmit } = setup();
    await user.selectOptions(screen.getByLabelText("Pricing model"), "per_unit");
    await user.type(screen.getByLabelText("Unit price"), "0.0025");
    await user.clear(screen.getByLabelText("Included quantity"));
    await user.type(screen.getByLabelText("Included quantity"), "1000");
    await user.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith({ model: "per_unit", unit_price: "0.0025", included_quantity: "1000", minimum_charge: "0" });
  });

  it("submits a package price, and not the terms of the model left", async () => {
    const { user, onSubmit } = setup();
    await user.selectOptions(screen.getByLabelText("Pricing model"), "per_unit");
    await user.type(screen.getByLabelText("Unit price"), "9");
    await user.selectOptions(screen.getByLabelText("Pricing model"), "package");
    await user.type(screen.getByLabelText("Package size"), "1000");
    await user.type(screen.getByLabelText("Package price"), "2.50");
    await user.clear(screen.getByLabelText("Minimum charge"));
    await user.type(screen.getByLabelText("Minimum charge"), "10");
    await user.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalled());
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith({
      model: "package",
      package_size: "1000",
      package_price: "2.50",
      included_quantity: "0",
      minimum_charge: "10",
    });
  });

  for (const model of ["graduated", "volume"] as const) {
    it(`submits ${model} tiers with the last one open-ended`, async () => {
      const { user, onSubmit } = setup();
      await user.selectOptions(screen.getByLabelText("Pricing model"), model);
      await user.type(screen.getByLabelText("Unit price (tier 1)"), "0.01");
      await user.type(screen.getByLabelText("Flat fee (tier 1)"), "5");
      await user.click(screen.getByRole("button", { name: "Add tier" }));
      await user.type(screen.getByLabelText("Up to (tier 1)"), "1000");
      await user.type(screen.getByLabelText("Unit price (tier 2)"), "0.005");
      await user.click(screen.getByRole("button", { name: "Submit" }));
      await waitFor(() => expect(onSubmit).toHaveBeenCalled());
      expect(onSubmit).toHaveBeenCalledExactlyOnceWith({
        model,
        tiers: [
          { up_to: "1000", unit_price: "0.01", flat_fee: "5" },
          { up_to: null, unit_price: "0.005", flat_fee: "0" },
        ],
        included_quantity: "0",
        minimum_charge: "0",
      });
    });
  }

  it("checks the tiers before sending them", async () => {
    const { user, onSubmit } = setup();
    await user.selectOptions(screen.getByLabelText("Pricing model"), "graduated");
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    await user.click(screen.getByRole("button", { name: "Add tier" }));
    await user.type(screen.getByLabelText("Up to (tier 1)"), "1000");
    await user.type(screen.getByLabelText("Up to (tier 2)"), "500");
    for (const n of [1, 2, 3]) await user.type(screen.getByLabelText(`Unit price (tier ${n})`), "1");
    await user.type(screen.getByLabelText("Flat fee (tier 3)"), "abc");
    await user.click(screen.getByRole("button", { name: "Submit" }));
    await waitFor(() =>
      expect(screen.getByLabelText("Up to (tier 2)")).toHaveAccessibleDescription("Must be above the previous tier's upper bound."),
    );
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Up to (tier 2)")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Flat fee (tier 3)")).toHaveAccessibleDescription(/Enter a number/);
    expect(screen.getByLabelText("Up to (tier 1)")).not.toHaveAttribute("aria-invalid");
  });
});
