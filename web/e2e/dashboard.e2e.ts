// The merchant's journey in a real headless Chromium against the servers of `billbo up`: from
// sign-up to the first event, a priced SKU, a rated draft invoice printed to PDF, a viewer who may
// only look, and a revoked key the ingest API refuses. Every page visited is audited with axe-core
// and photographed wide and at 375 px (support/audit.ts).
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { audit, audited } from "./support/audit";
import { launch, newContext } from "./support/browser";
import { rate } from "./support/cli";
import { env } from "./support/env";
import { sendEvents } from "./support/ingest";

const PASSWORD = "correct horse battery staple";
const period = new Date().toISOString().slice(0, 7);
const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
const viewerEmail = `viewer-${randomUUID().slice(0, 8)}@example.com`;
const customerId = randomUUID();

let browser: Browser;
let context: BrowserContext;
let page: Page;
const state: { key?: string; skuId?: string; invoiceUrl?: string; invitation?: string } = {};

/** Visible text that should appear, polled: the dashboard's queries refetch on their own. */
async function eventually(check: () => Promise<void>, timeout = 30_000): Promise<void> {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

beforeAll(async () => {
  mkdirSync(env.output, { recursive: true });
  browser = await launch();
  context = await newContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
});

// A failed step leaves what the browser showed: a screenshot and the page's text.
afterEach(async ({ task }) => {
  if (task.result?.state !== "fail" || !page) return;
  const name = task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  mkdirSync(join(env.output, "failures"), { recursive: true });
  await page.screenshot({ path: join(env.output, "failures", `${name}.png`), fullPage: true }).catch(() => undefined);
  const text = await page.locator("body").innerText().catch(() => "");
  writeFileSync(join(env.output, "failures", `${name}.txt`), `${page.url()}\n\n${text}`);
});

afterAll(async () => {
  writeFileSync(join(env.output, "audited-pages.json"), JSON.stringify(audited, null, 2));
  await browser?.close();
});

describe.sequential("a merchant, from sign-up to a paid-for invoice", () => {
  test("an anonymous visitor is sent to log in, and signs up", async () => {
    await page.goto("/customers");
    await page.waitForURL(/\/login\?next=%2Fcustomers/);
    await audit(page, "login");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { name: "Create your BillBo account" }).waitFor();
    await audit(page, "signup");
    await page.getByLabel("Organisation").fill("Acme Robotics");
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Get started", level: 1 }).waitFor();
  });

  test("creates an API key and is shown a curl command that sends a first event", async () => {
    await page.getByLabel("Key name").fill("Backend");
    await page.getByRole("button", { name: "Create API key" }).click();
    const curl = page.getByTestId("curl-command");
    await expect.poll(async () => (await curl.textContent()) ?? "").toMatch(/bb_[A-Za-z0-9_-]{20,}/);
    const command = (await curl.textContent()) ?? "";
    state.key = /bb_[A-Za-z0-9_-]+/.exec(command)?.[0];
    expect(command).toContain(env.ingestUrl.replace(/\/$/, "").split("//")[1]!.split(":")[0]);
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Waiting for your first event" }).count()).toBe(1);
    await audit(page, "get-started");
  });

  test("the page notices the first event when it arrives", async () => {
    const response = await sendEvents(state.key!, [
      { event_id: "first-event", customer_id: customerId, sku_id: randomUUID(), amount: "1", sent_at: minutesAgo(1) },
    ]);
    expect(response.status).toBeLessThan(300);
    await page.getByText("First event received").waitFor({ timeout: 30_000 });
  });

  test("creates a customer", async () => {
    await page.goto("/customers");
    await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New customer" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Globex");
    await dialog.getByLabel("Email").fill("billing@globex.example");
    await dialog.getByLabel("Customer ID").fill(customerId);
    await dialog.getByRole("button", { name: "Create customer" }).click();
    await page.getByRole("link", { name: "Globex" }).waitFor();
    await audit(page, "customers");
    await page.getByRole("link", { name: "Globex" }).click();
    await page.getByRole("heading", { name: "Globex", level: 1 }).waitFor();
    await audit(page, "customer-detail");
  });

  test("creates a graduated SKU in the pricing editor, sees a field error, and previews it", async () => {
    await page.goto("/skus");
    await page.getByRole("heading", { name: "SKUs & pricing", level: 1 }).waitFor();
    await audit(page, "skus");
    await page.getByRole("link", { name: "New SKU" }).click();
    await page.getByRole("heading", { name: "New SKU", level: 1 }).waitFor();
    await page.getByLabel("Name").fill("API calls");
    await page.getByLabel("Unit").fill("call");
    await page.getByLabel("Pricing model").selectOption({ label: "Graduated" });
    await page.getByLabel("Effective from").fill(`${period}-01T00:00`);
    await page.getByLabel("Up to (tier 1)").fill("100");
    await page.getByLabel("Unit price (tier 1)").fill("0.10");
    await page.getByRole("button", { name: "Add tier" }).click();
    await page.getByLabel("Up to (tier 2)").fill("");
    await page.getByLabel("Unit price (tier 2)").fill("0.05");
    await audit(page, "sku-new");
    await page.getByRole("button", { name: "Create SKU" }).click();
    await page.waitForURL(/\/skus\/[0-9a-f-]{36}$/);
    state.skuId = page.url().split("/").pop();
    await page.getByRole("heading", { name: "API calls", level: 1 }).waitFor();
    await page.getByLabel("Quantity").fill("150");
    await page.getByRole("button", { name: "Preview" }).click();
    // 100 x 0.10 + 50 x 0.05 = 12.50
    await expect.poll(async () => (await page.getByTestId("preview-total").textContent()) ?? "").toContain("12.50");
    await audit(page, "sku-detail");
  });

  test("sends events with the key and sees them in the explorer and the live tail", async () => {
    const events = Array.from({ length: 12 }, (_, i) => ({
      event_id: `call-${i}`,
      customer_id: customerId,
      sku_id: state.skuId!,
      amount: "10",
      sent_at: minutesAgo(30 - i),
    }));
    const response = await sendEvents(state.key!, events);
    expect(response.status).toBeLessThan(300);
    await page.goto("/events");
    await page.getByRole("heading", { name: "Events", level: 1 }).waitFor();
    await eventually(async () => {
      await page.reload();
      await page.getByRole("link", { name: "call-11" }).waitFor({ timeout: 2_000 });
    });
    await page.getByLabel("SKU").selectOption({ label: "API calls" });
    await page.waitForURL(new RegExp(`sku_id=${state.skuId}`));
    await expect.poll(() => page.getByRole("link", { name: "first-event" }).count()).toBe(0);
    await page.getByRole("link", { name: "call-0" }).waitFor();
    await audit(page, "events");

    await page.getByRole("button", { name: "Live tail" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Live tail" }).getAttribute("aria-pressed")).toBe("true");
    const late = await sendEvents(state.key!, [
      { event_id: "live-1", customer_id: customerId, sku_id: state.skuId!, amount: "5", sent_at: new Date().toISOString() },
    ]);
    expect(late.status).toBeLessThan(300);
    await page.getByRole("link", { name: "live-1" }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await page.getByRole("status").allTextContents()).join(" ")).toMatch(/1 new event/);
    await page.getByRole("button", { name: "Live tail" }).click();

    await page.getByRole("link", { name: "live-1" }).click();
    await page.getByRole("heading", { name: "Event live-1", level: 1 }).waitFor();
    await audit(page, "event-detail");
  });

  test("sees the usage on the overview chart and the estimated bill", async () => {
    await page.goto("/");
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await page.getByTestId("usage-chart").waitFor();
    await page.getByText("Estimated bill").first().waitFor();
    // 125 calls: 100 x 0.10 + 25 x 0.05 = 11.25
    await page.getByText("$11.25").first().waitFor();
    await audit(page, "overview");
    await page.goto("/usage");
    await page.getByRole("heading", { name: "Usage", level: 1 }).waitFor();
    await audit(page, "usage");
  });

  test("runs rating, opens the draft invoice and a line's explanation, and prints it to PDF", async () => {
    const output = await rate(period);
    expect(output).toContain("draft invoices refreshed");
    await page.goto("/invoices");
    await page.getByRole("heading", { name: "Invoices", level: 1 }).waitFor();
    const link = page.getByRole("main").getByRole("link", { name: /^Invoice for/ }).first();
    await eventually(async () => {
      await page.reload();
      await link.waitFor({ timeout: 2_000 });
    });
    await audit(page, "invoices");
    await link.click();
    await page.getByRole("heading", { name: /Invoice/, level: 1 }).waitFor();
    state.invoiceUrl = page.url();
    await page.getByText("$11.25").first().waitFor();
    await page.getByRole("button", { name: "Explain line API calls" }).click();
    await page.getByRole("heading", { name: "How this line was priced" }).waitFor();
    await audit(page, "invoice-explanation");
    await page.keyboard.press("Escape");
    await audit(page, "invoice-detail");

    await page.getByRole("link", { name: "Print" }).click();
    await page.waitForURL(/\/print$/);
    await page.getByRole("button", { name: "Print" }).waitFor();
    await audit(page, "invoice-print");
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    await page.emulateMedia({ media: "screen" });
    writeFileSync(join(env.output, "invoice.pdf"), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = readFileSync(join(env.output, "invoice.pdf")).toString("latin1");
    expect(text).toMatch(/\/Type\s*\/Page\b/);
  });

  test("the settings and API keys pages", async () => {
    await page.goto("/settings");
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.getByLabel("Grace period (minutes)").waitFor();
    await audit(page, "settings");
    await page.goto("/api-keys");
    await page.getByRole("heading", { name: "API keys", level: 1 }).waitFor();
    await page.getByRole("cell", { name: "Backend" }).waitFor();
    await audit(page, "api-keys");
  });

  test("invites a viewer, who sees every write disabled", async () => {
    await page.goto("/members");
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Viewer" });
    await page.getByRole("button", { name: "Send invitation" }).click();
    const link = page.getByTestId("invitation-link");
    await expect.poll(async () => (await link.textContent()) ?? "").toMatch(/accept-invitation\?token=/);
    state.invitation = /https?:\/\/\S+accept-invitation\?token=[^\s"]+/.exec((await link.textContent()) ?? "")?.[0];
    await audit(page, "members");

    const viewerContext = await newContext(browser);
    const viewer = await viewerContext.newPage();
    await viewer.goto(state.invitation!);
    await viewer.getByRole("heading", { name: "Join your team on BillBo" }).waitFor();
    await audit(viewer, "accept-invitation");
    await viewer.getByLabel("Password").fill(PASSWORD);
    await viewer.getByRole("button", { name: "Accept invitation" }).click();
    await viewer.getByRole("heading", { name: "Overview", level: 1 }).waitFor();

    await viewer.goto("/skus");
    await expect.poll(() => viewer.getByRole("link", { name: "API calls" }).count()).toBe(1);
    const newSku = viewer.getByRole("button", { name: "New SKU" }).or(viewer.getByRole("link", { name: "New SKU" }));
    await expect.poll(() => newSku.first().isDisabled().catch(async () => (await newSku.first().getAttribute("aria-disabled")) === "true")).toBe(true);
    await viewer.goto("/customers");
    await viewer.getByRole("link", { name: "Globex" }).waitFor();
    expect(await viewer.getByRole("button", { name: "New customer" }).isDisabled()).toBe(true);
    await viewer.goto("/members");
    await viewer.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    expect(await viewer.getByRole("button", { name: "Send invitation" }).isDisabled()).toBe(true);
    await viewer.getByText("Only admins and owners invite members").waitFor();
    await viewer.goto("/settings");
    expect(await viewer.getByRole("button", { name: "Save settings" }).isDisabled()).toBe(true);
    await viewer.goto(state.invoiceUrl!);
    await viewer.getByRole("heading", { name: /Invoice/, level: 1 }).waitFor();
    await viewerContext.close();
  });

  test("revokes the key, and the ingest API refuses it", async () => {
    await page.goto("/api-keys");
    await page.getByRole("button", { name: "Revoke Backend" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
    await page.getByText("Revoked").first().waitFor();
    // The ingest API remembers a key for half a second (ingest/auth.py): a revoked key stops
    // working within a second, so the test gives it two.
    const deadline = Date.now() + 2000;
    let refused = 0;
    for (let attempt = 0; refused !== 401 && Date.now() < deadline; attempt++) {
      const response = await sendEvents(state.key!, [
        {
          event_id: `after-revoke-${attempt}`,
          customer_id: customerId,
          sku_id: state.skuId!,
          amount: "1",
          sent_at: minutesAgo(1),
        },
      ]);
      refused = response.status;
      if (refused !== 401) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(refused).toBe(401);
  });

  test("logs out, and an expired session returns to log in and back to the page", async () => {
    await page.goto("/invoices");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto("/events");
    await page.waitForURL(/\/login\?next=%2Fevents/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/\/events$/);
    // The access cookie gone (expired), the refresh cookie still good: refreshed silently.
    const cookies = await context.cookies();
    await context.clearCookies();
    await context.addCookies(cookies.filter((cookie) => cookie.name !== "bb_access"));
    await page.goto("/customers");
    await page.getByRole("link", { name: "Globex" }).waitFor();
    expect(page.url()).toMatch(/\/customers$/);
  });
});
