import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { clockOffset, passClockToChildren } from "./tests/helpers/test-clock.mjs";

const alias = {
  "~db": fileURLToPath(new URL("./db", import.meta.url)),
  "~": fileURLToPath(new URL("./app", import.meta.url)),
};

// With CI_REPORT set, each run also writes a JSON report that .ci/run adds up into its last line.
const reporters = process.env.CI_REPORT ? ["default", ["json", { outputFile: process.env.CI_REPORT }]] : ["default"];

// With YZ_TEST_NOW (an ISO instant) the run starts at that instant: this process (importing the clock
// shifted it), its workers (a setup file) and every process they start — the servers under test — all
// with the one offset the clock fixed. The browser's pages follow in `openPage`.
passClockToChildren();

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: reporters as never,
    // The end-to-end files run one at a time (below) and mostly wait on browsers, networks and timers; the
    // unit and integration files run beside them, each on an embedded database of its own. Vitest's
    // default on a 2-core machine is one file at a time, which made CI there 31 minutes. On a PostgreSQL
    // server the integration files share one database (its audit chain, its rate limits): one at a time.
    maxWorkers: process.env.DATABASE_URL ? 1 : Math.max(2, availableParallelism() - 1),
    setupFiles: clockOffset() === null ? [] : ["tests/helpers/test-clock.mjs"],
    projects: [
      {
        extends: true,
        test: { name: "unit-utc", include: ["tests/unit/**/*.test.ts"], env: { TZ: "UTC" } },
      },
      {
        extends: true,
        test: {
          name: "unit-los-angeles",
          include: ["tests/unit/**/*.test.ts"],
          env: { TZ: "America/Los_Angeles" },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 60_000,
          // A page's answer to a click, on a busy 2-core machine: 1 s (vitest's default) is too tight.
          expect: { poll: { timeout: 5_000 } },
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // Needs a PostgreSQL server (several app instances cannot share one embedded database): run by
      // .ci/run, and by `npm test` whenever DATABASE_URL is set.
      ...(process.env.DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: "e2e-postgres",
                include: ["tests/e2e-postgres/**/*.test.ts"],
                globalSetup: ["tests/e2e-postgres/global-setup.ts"],
                testTimeout: 90_000,
                expect: { poll: { timeout: 5_000 } },
                hookTimeout: 180_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
