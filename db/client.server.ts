import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { lockDataDirectory } from "./data-directory-lock";
import * as schema from "./schema/index";

/** One typed handle for both drivers: every query in the app is written against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The rows of `db.execute(sql…)`: postgres.js answers an array, PGlite an object holding one. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export type DatabaseHandle = {
  db: Db;
  driver: "postgres" | "pglite";
  /** True when this call created a new embedded database (it then wants the demo hospital). */
  createdNew: boolean;
  /** Throws when the database does not answer within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Subscribes to a Postgres NOTIFY channel (`pg_notify` from any connection or app instance).
   * Resolves to a function that unsubscribes. The subscription outlives a database restart;
   * `onRestored` is called each time it is re-established, since notifications sent while it was
   * down are lost and listeners should catch up.
   */
  listen(channel: string, handler: (payload: string) => void, onRestored?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** postgres:// URL of a PostgreSQL server; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Directory of the embedded database, or "memory://" for one that lives only in this process. */
  pgliteDir?: string;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
};

const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));
const MIGRATION_LOCK = 72_16_2026; // any constant: serialises migrations of several app instances

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const handle = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openPglite(options.pgliteDir ?? "data/pglite");
  try {
    await applyMigrations(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

type Locker = (work: () => Promise<void>) => Promise<void>;

function openPostgres(url: string, max: number): DatabaseHandle & { withMigrationLock: Locker } {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 5,
    // postgres.js waits up to 20 s between reconnection attempts; while the server is away every
    // request would hang that long. Retry soon, so requests fail fast (503) and recover promptly.
    backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
    connection: { application_name: "yunzhen" },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    driver: "postgres",
    createdNew: false,
    ping: (timeoutMs = 2000) => withTimeout(client`select 1`.then(() => undefined), timeoutMs),
    listen: (channel, handler, onRestored) => resilientListen(client, channel, handler, onRestored),
    close: () => client.end({ timeout: 5 }),
    // Two instances starting together must not both apply the same migration: a session-level
    // advisory lock held on one reserved connection while the migrator runs on the pool.
    withMigrationLock: async (work) => {
      const lockConnection = await client.reserve();
      try {
        await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await work();
      } finally {
        await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
        lockConnection.release();
      }
    },
  };
}

/** Our own heartbeat on a LISTEN channel: never a JSON payload, so never mistaken for an event. */
const HEARTBEAT_PREFIX = "yz-heartbeat:";
const HEARTBEAT_EVERY_MS = 1_000;
const LISTEN_DEAD_AFTER_MS = 3_000;

/**
 * postgres.js keeps LISTEN on a dedicated connection and re-subscribes when that connection closes,
 * but if the server is still down at that moment it gives up for good. So each subscription sends
 * itself a heartbeat through the server every second; when its own heartbeat stops coming back, it
 * subscribes again (until that succeeds) and reports the gap through `onRestored`.
 */
async function resilientListen(
  client: postgres.Sql,
  channel: string,
  handler: (payload: string) => void,
  onRestored?: () => void,
): Promise<() => Promise<void>> {
  const beat = `${HEARTBEAT_PREFIX}${randomUUID()}`;
  let lastBeat = Date.now();
  let listens = 0;
  let resubscribing = false;
  const onNotify = (payload: string) => {
    if (!payload.startsWith(HEARTBEAT_PREFIX)) return handler(payload);
    if (payload === beat) lastBeat = Date.now();
  };
  // Fires after the first LISTEN and after every re-subscription (ours or postgres.js's own).
  const onListen = () => {
    lastBeat = Date.now();
    if (listens++ > 0) onRestored?.();
  };
  let subscription: { unlisten(): Promise<void> } | null = await client.listen(channel, onNotify, onListen);
  const timer = setInterval(() => {
    if (resubscribing) return;
    if (Date.now() - lastBeat <= LISTEN_DEAD_AFTER_MS) {
      client`select pg_notify(${channel}, ${beat})`.catch(() => {});
      return;
    }
    resubscribing = true;
    const stale = subscription;
    subscription = null;
    void (async () => {
      await stale?.unlisten().catch(() => {});
      subscription = await client.listen(channel, onNotify, onListen);
    })()
      .catch(() => {}) // still down: the next tick tries again
      .finally(() => (resubscribing = false));
  }, HEARTBEAT_EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await subscription?.unlisten().catch(() => {}); // the connection may already be gone
  };
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const inMemory = dir.startsWith("memory://");
  let createdNew = inMemory;
  let unlock = () => {};
  if (!inMemory) {
    const absolute = path.resolve(dir);
    // PGlite creates only the last level of its data directory.
    mkdirSync(path.dirname(absolute), { recursive: true });
    // Whoever opens the directory holds it (not a process that only serves requests): one per directory.
    unlock = lockDataDirectory(absolute);
    createdNew = !existsSync(path.join(absolute, "PG_VERSION"));
  }
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? undefined : path.resolve(dir), { extensions: { btree_gist } });
  } catch (error) {
    unlock();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    createdNew,
    ping: (timeoutMs = 2000) => withTimeout(client.query("select 1").then(() => undefined), timeoutMs),
    listen: async (channel, handler) => {
      const unsubscribe = await client.listen(channel, handler);
      return () => unsubscribe();
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

async function applyMigrations(handle: DatabaseHandle & { withMigrationLock?: Locker }) {
  if (!handle.withMigrationLock) {
    await migratePglite(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  await handle.withMigrationLock(() =>
    migratePostgres(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
