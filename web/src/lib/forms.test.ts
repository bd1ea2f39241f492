import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/errors";
import { applyApiErrors } from "./forms";

const invalid = (details: unknown) => new ApiError(422, "validation_error", "The request is not valid.", details);

describe("applyApiErrors", () => {
  it("puts each named error on the form field of that name", () => {
    const setError = vi.fn();
    const unplaced = applyApiErrors(
      invalid([
        { field: "price.tiers.1.up_to", message: "must be above the previous tier" },
        { field: "name", message: "too long" },
      ]),
      setError,
      ["name", "price.tiers.1.up_to"],
    );
    expect(unplaced).toEqual([]);
    expect(setError).toHaveBeenCalledTimes(2);
    expect(setError).toHaveBeenCalledWith("price.tiers.1.up_to", { type: "server", message: "must be above the previous tier" });
    expect(setError).toHaveBeenCalledWith("name", { type: "server", message: "too long" });
  });

  it("places a field under a known parent, and renames fields the form calls differently", () => {
    const setError = vi.fn();
    applyApiErrors(invalid([{ field: "price.tiers.0.up_to", message: "x" }, { field: "email", message: "taken" }]), setError, ["price", "login"], {
      email: "login",
    });
    expect(setError).toHaveBeenCalledWith("price.tiers.0.up_to", { type: "server", message: "x" });
    expect(setError).toHaveBeenCalledWith("login", { type: "server", message: "taken" });
    expect(setError).not.toHaveBeenCalledWith("root.server", expect.anything());
  });

  it("sends fields the form does not have to the form-level error, and returns them", () => {
    const setError = vi.fn();
    const unplaced = applyApiErrors(
      invalid([
        { field: "name", message: "required" },
        { field: "price.tiers", message: "at least one tier is needed" },
      ]),
      setError,
      ["name", "price.tiers.0.up_to"],
    );
    expect(unplaced).toEqual(["price.tiers: at least one tier is needed"]);
    expect(setError).toHaveBeenCalledWith("name", { type: "server", message: "required" });
    expect(setError).toHaveBeenCalledWith("root.server", { type: "server", message: "price.tiers: at least one tier is needed" });
    // A prefix of a known field is not the field: "price.tiers" is not "price.tiers.0.up_to".
    expect(setError).not.toHaveBeenCalledWith("price.tiers", expect.anything());
  });

  it("puts an error without fields on the form with the API's message", () => {
    const setError = vi.fn();
    applyApiErrors(new ApiError(409, "conflict", "A price version already takes effect at 2026-12-01T00:00:00+00:00."), setError, ["name"]);
    expect(setError).toHaveBeenCalledExactlyOnceWith("root.server", {
      type: "server",
      message: "A price version already takes effect at 2026-12-01T00:00:00+00:00.",
    });
  });

  it("ignores malformed details and says something generic when the server failed", () => {
    const setError = vi.fn();
    applyApiErrors(new ApiError(503, "unavailable", "db down", [{ field: 3 }, "x", null]), setError, ["name"]);
    expect(setError).toHaveBeenCalledExactlyOnceWith("root.server", {
      type: "server",
      message: "The server could not answer. Try again in a moment.",
    });
  });

  it("says the server cannot be reached when fetch failed", () => {
    const setError = vi.fn();
    applyApiErrors(new TypeError("Failed to fetch"), setError, ["name"]);
    expect(setError).toHaveBeenCalledExactlyOnceWith("root.server", {
      type: "server",
      message: "The dashboard cannot reach the server. Check your connection.",
    });
  });
});
