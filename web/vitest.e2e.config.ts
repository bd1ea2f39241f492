import { defineConfig } from "vitest/config";

// The end-to-end run: a real headless Chromium against running BillBo servers (see e2e/README.md).
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
