import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sessionCookieName } from "~/features/auth/session.server";

/** The servers started here run as `npm start` does (production, Secure cookies): the `__Host-` name. */
export const SESSION_COOKIE = sessionCookieName({ secure: true });

/** Builds the app for production into build/, as `npm start` does. */
export function buildApp() {
  execFileSync(path.resolve("node_modules/.bin/remix"), ["build"], { stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } });
}

export type RunningServer = { url: string; process: ChildProcess; output: () => string; stop: () => Promise<void> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * The environment that starts a server's clock at `instant` (and lets it run), whatever the run's own
 * clock: the tests' clock (test-clock.mjs) loaded into it with an offset of its own.
 */
export function serverClockAt(instant: Date): Record<string, string> {
  const realNow = performance.timeOrigin + performance.now();
  const flag = `--import ${new URL("./test-clock.mjs", import.meta.url).href}`;
  const options = process.env.NODE_OPTIONS ?? "";
  return {
    YZ_TEST_NOW: instant.toISOString(),
    YZ_TEST_CLOCK_OFFSET_MS: String(instant.getTime() - realNow),
    NODE_OPTIONS: options.includes(flag) ? options : `${options} ${flag}`.trim(),
  };
}

/** A server process that may or may not come up: its URL, the process, its output so far, and its exit. */
export type LaunchedServer = { url: string; process: ChildProcess; output: () => string; exited: Promise<number | null> };

/**
 * Spawns the production server (`server.ts` on the current build) on a free port with a new embedded
 * database of its own (unless `env` names one), without waiting for it.
 */
export async function launchServer(env: Record<string, string> = {}): Promise<LaunchedServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "yunzhen-e2e-"));
  let log = "";
  // One process (no tsx wrapper): signals reach the server itself, as with `npm start`. SERVER_NODE_ARGS
  // adds flags to it and its workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a bench.
  const nodeArgs = process.env.SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      PGLITE_DIR: path.join(dataDir, "pglite"),
      DATABASE_URL: "",
      // The suites act as hundreds of people from one loopback address.
      RATE_LIMIT_SCALE: "100",
      // A test machine is often busy for other reasons: the arrival line is tested where it is meant to be.
      ARRIVAL_LINE: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { url: `http://localhost:${port}`, process: child, output: () => log, exited };
}

/** Starts the production server (see `launchServer`) and waits until /healthz answers. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const { url, process: child, output } = await launchServer(env);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy in 90 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The server's worker processes (its children running server.ts: not esbuild, which tsx starts too). */
export function workerProcesses(pid: number): number[] {
  return childProcesses(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, "utf8").includes("server.ts");
    } catch {
      return false;
    }
  });
}

/** The processes a process started. */
function childProcesses(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) children.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return children;
}
