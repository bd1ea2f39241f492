// Where the servers under test are: set by tests/web/test_e2e.py, which starts `billbo up`.
import { resolve } from "node:path";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through tests/web/test_e2e.py`);
  return value;
}

export const env = {
  dashboardUrl: required("BILLBO_E2E_DASHBOARD_URL"),
  ingestUrl: required("BILLBO_E2E_INGEST_URL"),
  /** The `billbo` command of the stack under test (runs rating as an operator would). */
  billbo: required("BILLBO_E2E_BILLBO"),
  chromium: process.env.BILLBO_CHROMIUM ?? "/usr/bin/chromium",
  /** Screenshots and the printed PDF (the README names this folder). */
  output: resolve(process.env.BILLBO_E2E_OUTPUT ?? "e2e/output"),
};
