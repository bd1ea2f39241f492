// Operator commands against the stack under test (the same `billbo` its `billbo up` runs).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { env } from "./env";

const run = promisify(execFile);

/** `billbo rate --period YYYY-MM`: loads the period's usage, rates it and refreshes its drafts. */
export async function rate(period: string): Promise<string> {
  const { stdout, stderr } = await run(env.billbo, ["rate", "--period", period], { timeout: 240_000, env: process.env });
  return stdout + stderr;
}
