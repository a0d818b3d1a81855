import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/database";

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);

describe("migrations", () => {
  it("create the schema with btree_gist available for exclusion constraints", async () => {
    const ext = rowsOf<{ extname: string }>(
      await handle.db.execute(sql`select extname from pg_extension where extname = 'btree_gist'`),
    );
    expect(ext).toHaveLength(1);
    const tables = rowsOf<{ tablename: string }>(
      await handle.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by 1`),
    ).map((r) => r.tablename);
    expect(tables).toEqual(expect.arrayContaining(["users", "sessions", "departments", "doctors", "clinic_settings"]));
  });

  it("are recorded, so that opening the database again applies nothing twice", async () => {
    const applied = rowsOf<{ n: number }>(
      await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    expect(applied[0]?.n).toBeGreaterThanOrEqual(2);
  });
});
