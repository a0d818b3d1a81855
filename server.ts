/**
 * Yunzhen's server: one process on the embedded database; on a PostgreSQL server, a primary and
 * `WEB_CONCURRENCY` workers (one per core by default) sharing the port. See app/server/.
 */
// First: the thread pool's size must be set before anything gives the pool work.
import "./app/server/thread-pool.server";
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./app/server/http.server";
import { runPrimary } from "./app/server/workers.server";
import { EnvError, readEnv, workerCount } from "./app/utils/env.server";
import { DatabaseInUseError } from "./db/data-directory-lock";
import { DatabaseRoleError } from "./db/client.server";

const root = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  const env = readEnv();
  if (cluster.isWorker) return serve(env, { root, worker: true });
  const { count, warning } = workerCount(env, availableParallelism());
  if (warning) console.warn(warning);
  if (count > 1) return runPrimary(env, count);
  return serve(env, { root, worker: false });
}

main().catch((error: unknown) => {
  if (error instanceof EnvError || error instanceof DatabaseInUseError || error instanceof DatabaseRoleError) {
    console.error(error.message);
  } else {
    console.error("Yunzhen failed to start:", error);
  }
  process.exit(1);
});
