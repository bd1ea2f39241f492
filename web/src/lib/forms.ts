// Puts the API's validation errors on the fields that caused them. The API names a field by its
// path in the request body ("price.tiers.0.up_to"), which is also react-hook-form's field name.
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError, errorMessage } from "@/api/errors";

/**
 * Sets each error the API named on its field (mapped through `rename` where the form names a
 * field differently); the rest, and errors without fields, go to `root.server`.
 * Returns the messages that matched no field of the form.
 */
export function applyApiErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly string[],
  rename: Record<string, string> = {},
): string[] {
  const unplaced: string[] = [];
  const named = error instanceof ApiError ? error.fields : [];
  for (const { field, message } of named) {
    const name = rename[field] ?? field;
    if (fields.some((known) => name === known || name.startsWith(`${known}.`))) {
      setError(name as Path<T>, { type: "server", message });
    } else {
      unplaced.push(`${field}: ${message}`);
    }
  }
  if (named.length === 0 || unplaced.length > 0) {
    const summary = named.length === 0 ? errorMessage(error) : unplaced.join("; ");
    setError("root.server" as Path<T>, { type: "server", message: summary });
  }
  return unplaced;
}
