import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { launchServer, startServer, type LaunchedServer, type RunningServer } from "../helpers/server";

/** Waits for a server to exit by itself; if it answers /healthz instead, it started (and should not have). */
async function outcomeOf(server: LaunchedServer, timeoutMs: number): Promise<{ exitCode: number | null } | "started" | "still running"> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.process.exitCode !== null) return { exitCode: server.process.exitCode };
    const healthy = await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return "started";
    await Promise.race([server.exited, new Promise((r) => setTimeout(r, 200))]);
  }
  return "still running";
}

describe("one server per embedded database", () => {
  it("a second server on the same folder refuses to start and names the process that holds it; after that one is killed, a new one starts", async () => {
    const pgliteDir = path.join(mkdtempSync(path.join(tmpdir(), "yunzhen-lock-")), "pglite");
    const running: (RunningServer | LaunchedServer)[] = [];
    try {
      const first = await startServer({ PGLITE_DIR: pgliteDir });
      running.push(first);

      const second = await launchServer({ PGLITE_DIR: pgliteDir });
      running.push(second);
      const outcome = await outcomeOf(second, 60_000);
      expect(outcome, second.output()).toEqual({ exitCode: 1 });
      expect(second.output()).toContain(`process ${first.process.pid}`);
      expect(second.output()).toContain(pgliteDir);
      // The first one never noticed.
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

      // Killed outright, the first leaves its lock behind: a dead process holds nothing.
      first.process.kill("SIGKILL");
      await new Promise((resolve) => first.process.once("exit", resolve));
      const third = await startServer({ PGLITE_DIR: pgliteDir });
      running.push(third);
      expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
      expect(third.output()).not.toContain("seeded the demo hospital");
    } finally {
      for (const server of running) {
        if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill("SIGKILL");
      }
    }
  }, 300_000);
});
