import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { is, type SQL } from "drizzle-orm";
import { PgTransaction, type PgDatabase, type PgDialect, type PgQueryResultHKT, type PgSession } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { lockDataDirectory } from "./data-directory-lock";
import { preparingPglite } from "./pglite-statements";
import * as schema from "./schema/index";

/** One typed handle for both drivers: every query in the app is written against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * A hot read built once per database handle, then run with its parameters (`sql.placeholder`). Drizzle
 * otherwise builds a query's SQL text again on every call: about 0.1 ms of CPU for a five-table join,
 * which at 9 am was an eighth of the workers' time. Inside a transaction (a handle of its own, used once)
 * the query is built as usual.
 */
export function reusableQuery<Args, Result>(build: (db: Db) => { execute(args: Args): Promise<Result> }) {
  const built = new WeakMap<Db, { execute(args: Args): Promise<Result> }>();
  return (db: Db, args: Args): Promise<Result> => {
    if (is(db, PgTransaction)) return build(db).execute(args);
    let query = built.get(db);
    if (!query) built.set(db, (query = build(db)));
    return query.execute(args);
  };
}

/**
 * A statement written in SQL (`sql` with `sql.placeholder`s), prepared once per handle as `reusableQuery`
 * does, for hot writes the query builder cannot say (data-modifying CTEs). Answers its rows.
 */
export function reusableStatement<Row>(name: string, build: () => SQL) {
  return reusableQuery<Record<string, unknown>, Row[]>((db) => {
    // What `db.execute` does, once: the SQL text built, then run with each call's values.
    const { session, dialect } = db as unknown as { session: PgSession; dialect: PgDialect };
    const prepared = session.prepareQuery(dialect.sqlToQuery(build()), undefined, name, false);
    return { execute: async (args) => rowsOf<Row>(await prepared.execute(args)) };
  });
}

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
  /**
   * postgres:// URL of the role that owns the schema. When given, it alone applies the migrations and
   * then grants `databaseUrl`'s role what the app needs (see `grantAppRole`); the handle's own
   * connections never use it.
   */
  ownerUrl?: string;
  /** Apply pending migrations (default). Tools that only read, such as the audit verifier, say false. */
  migrate?: boolean;
  /** Directory of the embedded database, or "memory://" for one that lives only in this process. */
  pgliteDir?: string;
  /**
   * A new in-memory embedded database starts as a copy of this one (PGlite's `dumpDataDir` tarball)
   * instead of an empty cluster: creating a cluster costs ~2.4 s of CPU, loading a copy ~0.6 s. The
   * migrations still run, and apply whatever the copy lacks.
   */
  pgliteTemplate?: Blob;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
};

const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));
const MIGRATION_LOCK = 72_16_2026; // any constant: serialises migrations of several app instances

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.ownerUrl && !options.databaseUrl) throw new Error("an owner role needs a PostgreSQL server (databaseUrl)");
  if (!options.databaseUrl) {
    const handle = await openPglite(options.pgliteDir ?? "data/pglite", options.pgliteTemplate);
    if (options.migrate === false) return handle;
    return closingOnError(handle, () => migratePglite(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER }));
  }
  const { handle, client } = openPostgres(options.databaseUrl, options.poolSize ?? 10);
  if (options.migrate === false) return handle;
  return closingOnError(handle, () =>
    options.ownerUrl ? migrateAsOwner(options.ownerUrl, client) : migrateAsApp(handle, client),
  );
}

async function closingOnError(handle: DatabaseHandle, work: () => Promise<unknown>): Promise<DatabaseHandle> {
  try {
    await work();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** One role does everything (the quick start, tests, small setups): it applies what is pending. */
async function migrateAsApp(handle: DatabaseHandle, client: postgres.Sql) {
  // A role that may only read and write rows cannot even look for pending migrations through drizzle's
  // migrator (it creates its schema first); when nothing is pending, there is nothing to ask of it.
  if (await migrationsApplied(client)) return;
  try {
    await withMigrationLock(client, () => migratePostgres(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER }));
  } catch (error) {
    if ((error as { code?: string }).code === "42501" || (error as { cause?: { code?: string } }).cause?.code === "42501") {
      throw new DatabaseRoleError(
        "DATABASE_URL's role may not change the schema, and migrations are pending: set DATABASE_OWNER_URL " +
          "to the owner role (or run `npm run db:migrate` with it) — see the README's two database roles.",
      );
    }
    throw error;
  }
}

/**
 * Two roles: the owner applies the migrations, then grants the app's role (whoever `client` signs in
 * as) exactly what it needs. Both steps run at every start, under the migration lock, so a table a
 * migration adds is granted before the app first uses it.
 */
async function migrateAsOwner(ownerUrl: string, client: postgres.Sql) {
  const [app] = await client<{ role: string }[]>`select current_user as role`;
  const owner = postgres(ownerUrl, { max: 2, onnotice: () => {}, connect_timeout: 5, connection: { application_name: "yunzhen-migrate" } });
  try {
    await withMigrationLock(owner, async () => {
      await migratePostgres(drizzlePostgres(owner, { schema }) as never, { migrationsFolder: MIGRATIONS_FOLDER });
      await grantAppRole(owner, app!.role);
    });
  } finally {
    await owner.end({ timeout: 5 });
  }
}

/** A database role set up so that the app could undo what the two roles are for. */
export class DatabaseRoleError extends Error {
  override name = "DatabaseRoleError";
}

/** Tables the app may add rows to and read, never change or remove. */
const APPEND_ONLY_TABLES = ["audit_events"];

/**
 * What the app's role may do: read and write rows of every table (and use their sequences), but only
 * INSERT and SELECT on the audit trail; it owns nothing, so it can neither ALTER, DISABLE TRIGGER nor
 * TRUNCATE. Default privileges cover tables the owner creates later by hand; the grants run again after
 * every migration. Refuses a role that could act as the owner.
 */
async function grantAppRole(owner: postgres.Sql, appRole: string) {
  const [who] = await owner<{ owner: string; superuser: boolean; member: boolean }[]>`
    select current_user as owner, r.rolsuper as superuser, pg_has_role(r.oid, current_user, 'MEMBER') as member
    from pg_roles r where r.rolname = ${appRole}`;
  if (!who) throw new DatabaseRoleError(`DATABASE_URL's role ${appRole} was not found`);
  const refuse = (why: string) =>
    new DatabaseRoleError(`DATABASE_URL's role ${appRole} ${why}: it must be a role of its own that owns nothing (see the README).`);
  if (who.owner === appRole) throw refuse("is DATABASE_OWNER_URL's role too");
  if (who.superuser) throw refuse("is a superuser");
  if (who.member) throw refuse(`is a member of the owner role ${who.owner}`);
  const owned = await owner<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relowner = (select oid from pg_roles where rolname = ${appRole}) and n.nspname in ('public', 'drizzle')`;
  if (owned.length) throw refuse(`owns ${owned.map((o) => o.name).join(", ")}`);

  await owner.begin(async (tx) => {
    const app = tx(appRole);
    await tx`grant usage on schema public to ${app}`;
    await tx`grant select, insert, update, delete on all tables in schema public to ${app}`;
    await tx`grant usage, select on all sequences in schema public to ${app}`;
    for (const table of APPEND_ONLY_TABLES) {
      await tx`revoke update, delete, truncate, references, trigger on ${tx(table)} from ${app}`;
    }
    await tx`alter default privileges in schema public grant select, insert, update, delete on tables to ${app}`;
    await tx`alter default privileges in schema public grant usage, select on sequences to ${app}`;
    // So that the app, started without the owner's URL, can see that nothing is pending.
    await tx`grant usage on schema drizzle to ${app}`;
    await tx`grant select on drizzle.__drizzle_migrations to ${app}`;
  });
}

/** Whether the database has every migration of this build (drizzle records each one's timestamp). */
async function migrationsApplied(client: postgres.Sql): Promise<boolean> {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as { entries: { when: number }[] };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const [row] = await client<{ last: string | null }[]>`select max(created_at)::text as last from drizzle.__drizzle_migrations`;
    return Number(row?.last ?? 0) >= newest;
  } catch {
    return false; // no table yet, or not allowed to read it: let the migrator decide
  }
}

/** Two instances starting together must not both apply the same migration: a session-level advisory
 * lock, held on one reserved connection while the work runs. */
async function withMigrationLock(client: postgres.Sql, work: () => Promise<void>) {
  const lockConnection = await client.reserve();
  try {
    await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await work();
  } finally {
    await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    lockConnection.release();
  }
}

function openPostgres(url: string, max: number): { handle: DatabaseHandle; client: postgres.Sql } {
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 5,
    // postgres.js waits up to 20 s between reconnection attempts; while the server is away every
    // request would hang that long. Retry soon, so requests fail fast (503) and recover promptly.
    backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
    connection: { application_name: "yunzhen" },
  });
  const db = drizzlePostgres(preparing(client), { schema }) as unknown as Db;
  const handle: DatabaseHandle = {
    db,
    driver: "postgres",
    createdNew: false,
    ping: (timeoutMs = 2000) => withTimeout(client`select 1`.then(() => undefined), timeoutMs),
    listen: (channel, handler, onRestored) => resilientListen(client, channel, handler, onRestored),
    close: () => client.end({ timeout: 5 }),
  };
  return { handle, client };
}

/**
 * The client Drizzle is given: every query it sends becomes a prepared statement on its connection.
 * Drizzle's postgres.js driver asks for none (it passes `prepare: false` unless a query was given a name),
 * so PostgreSQL parsed and planned each of the ~45 statements of a patient's 9 am visit every time —
 * about half of its work then. postgres.js keeps each connection's statements by their text; ours are
 * a few hundred distinct texts at most. Transactions (`begin`) and savepoints hand out clients that are
 * wrapped the same way.
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (typeof value !== "function") return value;
        if (property === "unsafe") {
          return (query: string, params?: unknown[], options?: { prepare?: boolean }) =>
            (value as postgres.Sql["unsafe"]).call(object, query, params as never, { ...options, prepare: true });
        }
        if (property === "begin" || property === "savepoint") {
          return (...args: unknown[]) => {
            const callback = args[args.length - 1] as (inner: object) => unknown;
            return (value as (...a: unknown[]) => unknown).apply(object, [...args.slice(0, -1), (inner: object) => callback(wrap(inner))]);
          };
        }
        return value;
      },
    });
  return wrap(sql);
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

/** An embedded database in `dataDir` (in memory when undefined), with the extensions the schema needs. */
function newPgliteClient(dataDir: string | undefined, template?: Blob): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: { btree_gist }, ...(template ? { loadDataDir: template } : {}) });
}

/** A new in-memory embedded database with every migration applied, as a copy for `pgliteTemplate`. */
export async function migratedPgliteTemplate(): Promise<Blob> {
  const client = await newPgliteClient(undefined);
  try {
    await migratePglite(drizzlePglite(client) as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return await client.dumpDataDir("none");
  } finally {
    await client.close();
  }
}

async function openPglite(dir: string, template?: Blob): Promise<DatabaseHandle> {
  const inMemory = dir.startsWith("memory://");
  if (template && !inMemory) throw new Error("a template is for an in-memory embedded database only");
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
    client = await newPgliteClient(inMemory ? undefined : path.resolve(dir), template);
  } catch (error) {
    unlock();
    throw error;
  }
  const db = drizzlePglite(preparingPglite(client), { schema }) as unknown as Db;
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
