// The API's one error shape, {"error": {code, message, details}}, as an exception the query layer
// throws, and its field details (`[{field: "price.tiers.0.up_to", message}]`) for forms.
import type { Schemas } from "./client";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The fields the API named, when it named any. */
  get fields(): FieldError[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.flatMap((item: unknown) => {
      if (typeof item !== "object" || item === null) return [];
      const { field, message } = item as Record<string, unknown>;
      return typeof field === "string" && typeof message === "string" ? [{ field, message }] : [];
    });
  }
}

function isErrorResponse(body: unknown): body is Schemas["ErrorResponse"] {
  return typeof body === "object" && body !== null && "error" in body;
}

/** The data of an openapi-fetch result, or an ApiError with the API's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { data, error, response } = result;
  if (response.ok) return data as T;
  if (isErrorResponse(error)) {
    throw new ApiError(response.status, error.error.code, error.error.message, error.error.details);
  }
  throw new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
}

/** A message for a person: the API's own for 4xx, a generic one when the server failed. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status >= 500) return "The server could not answer. Try again in a moment.";
    return error.message;
  }
  if (error instanceof TypeError) return "The dashboard cannot reach the server. Check your connection.";
  return error instanceof Error ? error.message : "Something went wrong.";
}
