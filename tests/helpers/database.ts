import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "~db/client.server";

/**
 * A new, empty database on the PostgreSQL server at `serverUrl`: its URL, its name, and `drop()` that
 * removes it (closing whatever still uses it).
 */
export async function createScratchDatabase(serverUrl: string, prefix = "yz_test") {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * A database of its own for one test file: in-memory PGlite by default; with DATABASE_URL, a new
 * database on that PostgreSQL server, dropped afterwards. Both get the real migrations.
 */
export async function createTestDatabase(): Promise<DatabaseHandle & { label: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // The integration files' global setup migrates one database and leaves its copy here.
    const template = process.env.YZ_PGLITE_TEMPLATE;
    const handle = await openDatabase({
      pgliteDir: "memory://",
      ...(template ? { pgliteTemplate: new Blob([readFileSync(template)]) } : {}),
    });
    return { ...handle, label: "pglite" };
  }
  const scratch = await createScratchDatabase(serverUrl);
  const handle = await openDatabase({ databaseUrl: scratch.url, poolSize: 60 });
  return {
    ...handle,
    label: "postgres",
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** Empties every application table, so that each test starts from nothing. The audit trail is
 * append-only (the database refuses to empty it): tests look only at their own records in it. */
export async function resetDatabase(handle: DatabaseHandle) {
  const rows = await handle.db.execute<{ tablename: string }>(
    sql`select tablename from pg_tables where schemaname = 'public' and tablename <> 'audit_events'`,
  );
  const list = (Array.isArray(rows) ? rows : (rows as { rows: { tablename: string }[] }).rows)
    .map((r) => `"public"."${r.tablename}"`)
    .join(", ");
  if (list) await handle.db.execute(sql.raw(`truncate ${list} restart identity cascade`));
}

/**
 * A test file's own database, emptied before each test: call once at the top of the file.
 * `handle` is there once the file's tests run.
 */
export function useTestDatabase() {
  let current: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    await resetDatabase(current!);
  });
  return {
    get handle() {
      if (!current) throw new Error("the test database is not open yet");
      return current;
    },
  };
}
