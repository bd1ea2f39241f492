import { afterEach, describe, expect, it, vi } from "vitest";
import { curlCommand, ingestUrl, randomUuid, toSecond } from "./ingest";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the ingest helpers", () => {
  it("defaults to this host on port 9876, unless VITE_BILLBO_INGEST_URL says otherwise", () => {
    expect(ingestUrl()).toBe("http://localhost:9876");
    vi.stubEnv("VITE_BILLBO_INGEST_URL", "https://ingest.example.com/");
    expect(ingestUrl()).toBe("https://ingest.example.com");
  });

  it("makes v4 UUIDs without crypto.randomUUID (an insecure context)", () => {
    const own = Object.getOwnPropertyDescriptor(crypto, "randomUUID");
    Object.defineProperty(crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 50 }, randomUuid));
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      if (own) Object.defineProperty(crypto, "randomUUID", own);
      else delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof crypto.randomUUID).toBe("function");
  });

  it("writes one event as the JSON body, single-quoted for the shell", () => {
    const command = curlCommand("http://h:9876", "bb_abc", {
      event_id: "it's",
      customer_id: "c",
      sku_id: "s",
      amount: "1",
      sent_at: toSecond(new Date("2026-11-24T21:05:00.123Z")),
    });
    expect(command).toBe(
      [
        "curl -X POST http://h:9876/v1/events \\",
        '  -H "Authorization: Bearer bb_abc" \\',
        '  -H "Content-Type: application/json" \\',
        `  -d '{"event_id": "it'\\''s", "customer_id": "c", "sku_id": "s", "amount": "1", "sent_at": "2026-11-24T21:05:00Z"}'`,
      ].join("\n"),
    );
  });
});
