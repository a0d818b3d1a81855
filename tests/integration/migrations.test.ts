import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedPgliteTemplate, openDatabase, rowsOf, type DatabaseHandle } from "~db/client.server";
import { departments } from "~db/schema";
import { createScratchDatabase } from "../helpers/database";

/**
 * A database that outlives its handle, so that it can be closed and opened again: an embedded PGlite
 * database in a folder of its own under the system's temp folder, or with DATABASE_URL a new database on
 * that PostgreSQL server. `remove()` deletes it.
 */
async function lastingDatabase() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), "yz-migrations-"));
    return {
      open: () => openDatabase({ pgliteDir: path.join(dir, "pglite") }),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const scratch = await createScratchDatabase(serverUrl);
  return { open: () => openDatabase({ databaseUrl: scratch.url, poolSize: 2 }), remove: scratch.drop };
}

type Applied = { id: number; hash: string; created_at: string };
const appliedMigrations = async (handle: DatabaseHandle) =>
  rowsOf<Applied>(await handle.db.execute(sql`select id, hash, created_at::text from drizzle.__drizzle_migrations order by id`));

let database: Awaited<ReturnType<typeof lastingDatabase>>;
let handle: DatabaseHandle | undefined;
beforeAll(async () => {
  database = await lastingDatabase();
  handle = await database.open();
});
afterAll(async () => {
  await handle?.close();
  await database?.remove();
});

describe("migrations", () => {
  it("create the schema with btree_gist available for exclusion constraints", async () => {
    const ext = rowsOf<{ extname: string }>(
      await handle!.db.execute(sql`select extname from pg_extension where extname = 'btree_gist'`),
    );
    expect(ext).toHaveLength(1);
    const tables = rowsOf<{ tablename: string }>(
      await handle!.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by 1`),
    ).map((r) => r.tablename);
    expect(tables).toEqual(expect.arrayContaining(["users", "sessions", "departments", "doctors", "clinic_settings"]));
  });

  it("are recorded, so that opening the database again applies nothing twice and keeps its data", async () => {
    const before = await appliedMigrations(handle!);
    expect(before.length).toBeGreaterThanOrEqual(2);
    await handle!.db.insert(departments).values({ code: "kept-across-openings", nameZh: "留存科", nameEn: "Kept" });

    await handle!.close();
    handle = undefined;
    handle = await database.open();

    expect(handle.createdNew).toBe(false);
    expect(await appliedMigrations(handle)).toEqual(before);
    const kept = await handle.db.select({ nameEn: departments.nameEn }).from(departments).where(eq(departments.code, "kept-across-openings"));
    expect(kept).toEqual([{ nameEn: "Kept" }]);
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))(
    "leave a copy that a new embedded database starts from with the same migrations and empty tables (the test files' template)",
    async () => {
      const copy = await openDatabase({ pgliteDir: "memory://", pgliteTemplate: await migratedPgliteTemplate() });
      try {
        expect((await appliedMigrations(copy)).map((m) => m.hash)).toEqual((await appliedMigrations(handle!)).map((m) => m.hash));
        expect(await copy.db.select().from(departments)).toEqual([]);
      } finally {
        await copy.close();
      }
      await expect(openDatabase({ pgliteDir: path.join(tmpdir(), "yz-not-memory"), pgliteTemplate: new Blob([]) })).rejects.toThrow(/in-memory/);
    },
  );
});
