import { describe, expect, it } from "vitest";
import { startServer } from "../helpers/server";

describe("a restart under load", () => {
  it("answers every request already sent when SIGTERM arrives, says it is draining, then exits cleanly", async () => {
    const server = await startServer();
    const inFlight = Array.from({ length: 40 }, () =>
      fetch(`${server.url}/doctors`).then(
        async (r) => {
          await r.text();
          return r.status;
        },
        () => -1,
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => server.process.once("exit", (code) => resolve(code)));
    server.process.kill("SIGTERM");
    // The signal is handled once the busy event loop gets to it; from then on health says "draining".
    const health = () => fetch(`${server.url}/healthz`).then((r) => r.status, () => -1);
    await expect.poll(health, { timeout: 3000, interval: 25 }).toBe(503);
    expect(await Promise.all(inFlight)).toEqual(Array(40).fill(200));
    expect(await exited).toBe(0);
    expect(server.output()).toContain("SIGTERM: finishing in-flight requests");
  });
});
