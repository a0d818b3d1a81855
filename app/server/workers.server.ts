/**
 * The primary process when Yunzhen runs several workers (`WEB_CONCURRENCY`): it prepares the database
 * once, forks the workers — which share one listening port (node:cluster hands each new connection to
 * the next worker) — replaces a worker that dies, and on SIGTERM drains them all before exiting.
 * Workers share nothing in memory: sessions, rate limits and live events already live in PostgreSQL,
 * exactly as across app instances; the secrets that sign join tickets and arrival tickets are handed to
 * every worker so that any of them can check what another issued.
 */
import cluster, { type Worker } from "node:cluster";
import { randomBytes } from "node:crypto";
import { openDatabase } from "~db/client.server";
import { demoCredentialsText, firstAdminHint, hasDemoHospital, prepareDemoHospital } from "~db/seed";
import type { Env } from "~/utils/env.server";

/** A worker that dies this soon after starting, this many times in a row, means something is broken: stop. */
const CRASH_WINDOW_MS = 10_000;
const MAX_QUICK_CRASHES = 5;
/** Workers drain for a second or so; one that is still busy after this is killed. */
const SHUTDOWN_TIMEOUT_MS = 20_000;

export async function runPrimary(env: Env, count: number) {
  const startedAt = performance.now();
  // Migrations, the demo consultation and the demo day once, here, rather than in every worker at the same time.
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, ownerUrl: env.DATABASE_OWNER_URL, pgliteDir: env.PGLITE_DIR, poolSize: 2 }); // the migration lock holds one connection
  const demo = await hasDemoHospital(database.db).catch(() => false);
  if (demo) await prepareDemoHospital(database.db);
  const hint = demo ? null : await firstAdminHint(database.db).catch(() => null);
  await database.close();

  const shared = {
    JOIN_TICKET_SECRET: env.JOIN_TICKET_SECRET ?? randomBytes(32).toString("hex"),
    ARRIVAL_SECRET: env.ARRIVAL_SECRET ?? randomBytes(32).toString("hex"),
    YZ_WORKER: "1",
  };
  const startedAtOf = new Map<Worker, number>();
  let quickCrashes = 0;
  let stopping = false;
  let announced = false;

  const fork = () => {
    const worker = cluster.fork(shared);
    startedAtOf.set(worker, Date.now());
    return worker;
  };

  cluster.on("listening", (_worker, address) => {
    if (announced) return;
    announced = true;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(`Yunzhen is listening on http://localhost:${address.port} (postgres, ${count} workers, ready in ${seconds} s)`);
    if (demo) console.log(demoCredentialsText());
    if (hint) console.log(hint);
  });

  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (startedAtOf.get(worker) ?? 0);
    startedAtOf.delete(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`Worker ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another.`);
    quickCrashes = lived < CRASH_WINDOW_MS ? quickCrashes + 1 : 0;
    if (quickCrashes >= MAX_QUICK_CRASHES) {
      console.error(`Workers keep dying within ${CRASH_WINDOW_MS / 1000} s of starting; giving up.`);
      process.exit(1);
    }
    fork();
  });

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining ${Object.keys(cluster.workers ?? {}).length} workers.`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    setTimeout(() => {
      console.error(`Workers took longer than ${SHUTDOWN_TIMEOUT_MS / 1000} s to drain; exiting.`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

  for (let i = 0; i < count; i++) fork();
}
