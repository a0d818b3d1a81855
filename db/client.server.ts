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
import * as schema from "./schema/index";

/** One typed handle for both drivers: every query in the app is written against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseHandle = {
  db: Db;
  driver: "postgres" | "pglite";
  /** True when this call created a new embedded database (it then wants the demo hospital). */
  createdNew: boolean;
  /** Throws when the database does not answer within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Subscribes to a Postgres NOTIFY channel (`pg_notify` from any connection or app instance).
   * Resolves to a function that unsubscribes.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
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
    connection: { application_name: "yunzhen" },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    driver: "postgres",
    createdNew: false,
    ping: (timeoutMs = 2000) => withTimeout(client`select 1`.then(() => undefined), timeoutMs),
    listen: async (channel, handler) => {
      // postgres.js keeps a dedicated connection for LISTEN and re-subscribes after it reconnects.
      const subscription = await client.listen(channel, handler);
      return () => subscription.unlisten();
    },
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

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const inMemory = dir.startsWith("memory://");
  let createdNew = inMemory;
  if (!inMemory) {
    const absolute = path.resolve(dir);
    createdNew = !existsSync(path.join(absolute, "PG_VERSION"));
    // PGlite creates only the last level of its data directory.
    mkdirSync(path.dirname(absolute), { recursive: true });
  }
  const client = await PGlite.create(inMemory ? undefined : path.resolve(dir), {
    extensions: { btree_gist },
  });
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
    close: () => client.close(),
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
