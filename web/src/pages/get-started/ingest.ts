// The ingest API as the get-started page shows it: where it listens and the curl command that
// sends one event (POST /v1/events, one event as a JSON object: ingest/events/router.py).

/**
 * The ingest API's base URL. The ingest API is a separate service (`billbo up` starts it on port
 * 9876), so by default it is this page's host on that port. A deployment that serves it elsewhere
 * sets the build-time environment variable VITE_BILLBO_INGEST_URL (e.g.
 * `VITE_BILLBO_INGEST_URL=https://ingest.example.com npm run build`).
 */
export function ingestUrl(): string {
  const configured: unknown = import.meta.env.VITE_BILLBO_INGEST_URL;
  if (typeof configured === "string" && configured.trim()) return configured.trim().replace(/\/+$/, "");
  return `${window.location.protocol}//${window.location.hostname}:9876`;
}

export interface FirstEvent {
  event_id: string;
  customer_id: string;
  sku_id: string;
  amount: string;
  sent_at: string;
}

/** A random UUID (v4): crypto.randomUUID(), which only secure contexts (https, localhost) have,
 * else the same from crypto.getRandomValues(), which every page has. */
export function randomUuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An idempotency key for the event the page suggests: new for each visit. */
export function newEventId(): string {
  return `first-event-${randomUuid().slice(0, 8)}`;
}

/** An ISO timestamp to the second, UTC ("2026-11-24T21:05:00Z"), as sent_at. */
export function toSecond(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A curl command that sends `event` with `key` (a bb_ key: letters, digits, - and _), body single-quoted. */
export function curlCommand(baseUrl: string, key: string, event: FirstEvent): string {
  const body = `{${Object.entries(event)
    .map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`)
    .join(", ")}}`;
  return [
    `curl -X POST ${baseUrl}/v1/events \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${body.replaceAll("'", "'\\''")}'`,
  ].join("\n");
}
