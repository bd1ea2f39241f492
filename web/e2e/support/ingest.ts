// The merchant's backend: sends usage to the ingest API with an API key, as a real client would.
import { env } from "./env";

export interface UsageEvent {
  event_id: string;
  customer_id: string;
  sku_id: string;
  amount: string;
  sent_at: string;
}

export async function sendEvents(key: string, events: UsageEvent[]): Promise<Response> {
  return fetch(`${env.ingestUrl}/v1/events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ events }),
  });
}
