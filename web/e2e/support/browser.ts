// Debian's chromium, driven by playwright-core (browser downloads are not possible here).
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { env } from "./env";

// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: env.chromium, args: FLAGS, headless: true });
}

export const WIDE = { width: 1280, height: 800 };
export const NARROW = { width: 375, height: 740 };

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: env.dashboardUrl, viewport: WIDE, locale: "en-US", timezoneId: "UTC" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.dashboardUrl });
  return context;
}
