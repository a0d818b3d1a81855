import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { DEFAULT_THRESHOLDS } from "~/server/arrival-line.server";
import { createScratchDatabase } from "../helpers/database";
import { client } from "../helpers/http";
import { workerProcesses, startServer, type RunningServer } from "../helpers/server";

// The server on PostgreSQL with two worker processes sharing its port (WEB_CONCURRENCY=2).
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let server: RunningServer;

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, "yz_e2e");
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: scratch.url } });
  server = await startServer({ DATABASE_URL: scratch.url, WEB_CONCURRENCY: "2" });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.drop();
});

const workersOf = () => workerProcesses(server.process.pid!);
const ok = async (url: string, cookie = "") => {
  try {
    const response = await fetch(url, {
      headers: cookie ? { Cookie: cookie, Connection: "close" } : { Connection: "close" },
      redirect: "manual",
      // A connection handed to the worker just as it died is lost: it must not hang the test.
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
};

describe("several worker processes", () => {
  it("serve one port; a session made by one is known to all", async () => {
    await expect.poll(workersOf, { timeout: 10_000 }).toHaveLength(2);
    const patient = client(server.url);
    await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    // New connections go to the workers in turn: every one of them knows the session.
    const statuses = await Promise.all(Array.from({ length: 20 }, () => ok(`${server.url}/appointments`, patient.cookie)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("replace a worker that dies, and keep answering meanwhile", async () => {
    const [victim, survivor] = workersOf() as [number, number];
    process.kill(victim, "SIGKILL");
    const answers: number[] = [];
    const until = Date.now() + 3_000;
    while (Date.now() < until) answers.push(await ok(`${server.url}/healthz`));
    // The survivor answers meanwhile: at most a connection or two handed to the dying worker is lost.
    expect(answers.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    expect(answers.filter((s) => s !== 200).length).toBeLessThanOrEqual(2);
    await expect.poll(() => workersOf().filter((pid) => pid !== victim && pid !== survivor).length, { timeout: 15_000 }).toBe(1);
    expect(workersOf()).toHaveLength(2);
    await expect.poll(() => ok(`${server.url}/healthz`)).toBe(200);
    expect(server.output()).toMatch(/Worker \d+ ended \(SIGKILL\); starting another/);
  });

  it("give each worker, the replacement too, a thread pool with room for the hashes the arrival line lets run and four more, not libuv's four", async () => {
    // A bare Node process with libuv's four threads, after work on its pool: the threads every process has.
    const bare = Number(
      execFileSync(process.execPath, ["-e", 'require("node:crypto").pbkdf2("a", "b", 1, 32, "sha256", () => console.log(require("node:fs").readdirSync("/proc/self/task").length))'], {
        env: { ...process.env, UV_THREADPOOL_SIZE: "4" },
        encoding: "utf8",
      }),
    );
    // Sign-ins and compressed answers on fresh connections, which go to the workers in turn: each pool has started.
    const patient = client(server.url);
    await patient.signIn(DEMO_ACCOUNTS.patient.email, DEMO_PASSWORD);
    await Promise.all(Array.from({ length: 10 }, () => ok(`${server.url}/appointments`, patient.cookie)));
    const pool = DEFAULT_THRESHOLDS.busyHashes + 4;
    for (const pid of workersOf()) expect(readdirSync(`/proc/${pid}/task`).length, `threads of worker ${pid}`).toBeGreaterThanOrEqual(bare - 4 + pool);
  });

  it("drain every worker on SIGTERM: requests already sent are answered, then all exit", async () => {
    const workers = workersOf();
    const inFlight = Array.from({ length: 20 }, () => ok(`${server.url}/doctors`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = new Promise<number | null>((resolve) => server.process.once("exit", (code) => resolve(code)));
    server.process.kill("SIGTERM");
    expect((await Promise.all(inFlight)).every((s) => s === 200)).toBe(true);
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});
