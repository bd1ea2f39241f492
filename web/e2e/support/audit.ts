// Each page the journey visits: axe-core finds no serious or critical violation, and a screenshot
// is saved wide and at 375 px (e2e/output/screenshots/{wide,narrow}/<name>.png).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { NARROW, WIDE } from "./browser";
import { env } from "./env";

export const audited: string[] = [];

export interface Violation {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

async function violations(page: Page, name: string): Promise<Violation[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ page: name, id: v.id, impact: v.impact ?? "", help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

/** Audits the page as it is now (wide, then 375 px wide), saving both screenshots. */
export async function audit(page: Page, name: string): Promise<void> {
  const found: Violation[] = [];
  for (const [size, viewport] of [["wide", WIDE], ["narrow", NARROW]] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150); // layout settles (charts resize on a frame)
    const folder = join(env.output, "screenshots", size);
    mkdirSync(folder, { recursive: true });
    await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
    found.push(...(await violations(page, `${name} (${size})`)));
    if (size === "narrow") {
      // Nothing sticks out sideways at 375 px: the page scrolls vertically only.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} is wider than 375 px`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize(WIDE);
  audited.push(name);
  expect(found, JSON.stringify(found, null, 2)).toEqual([]);
}
