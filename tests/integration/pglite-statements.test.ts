import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, rowsOf, type DatabaseHandle } from "~db/client.server";
import { departments } from "~db/schema";

/** The embedded database always: what is tested here is how the PGlite client runs repeated queries. */
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openDatabase({ pgliteDir: "memory://" });
});
afterAll(() => handle.close());

const preparedTexts = async () =>
  rowsOf<{ statement: string }>(await handle.db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);

const department = (code: string) => handle.db.select().from(departments).where(eq(departments.code, code));

describe("the embedded database's repeated queries", () => {
  it("are planned once: a text run a second time becomes a named prepared statement, a one-off does not", async () => {
    await handle.db.insert(departments).values({ code: "prep-a", nameZh: "甲", nameEn: "A" });
    await department("prep-a");
    expect((await preparedTexts()).some((text) => text.includes('from "departments"'))).toBe(false);
    const [again] = await department("prep-a");
    expect(again).toMatchObject({ code: "prep-a", nameEn: "A" });
    expect((await preparedTexts()).some((text) => text.includes('from "departments"'))).toBe(true);
    // Same text, other values: the named statement answers with the new ones.
    await handle.db.insert(departments).values({ code: "prep-b", nameZh: "乙", nameEn: "B" });
    expect(await department("prep-b")).toMatchObject([{ code: "prep-b" }]);
    expect(await department("prep-none")).toEqual([]);
  });

  it("answer exactly what the first, unnamed run answered: times, nulls, JSON, numbers and arrays", async () => {
    const query = async () =>
      rowsOf(
        await handle.db.execute(
          sql`select ${new Date("2031-03-03T01:00:00Z").toISOString()}::timestamptz as at, ${null}::text as nothing,
            ${JSON.stringify({ a: [1, "二"] })}::jsonb as json, ${7}::int + 1 as number, array[${"x"}::text, 'y'] as list`,
        ),
      );
    const first = await query();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ nothing: null, json: { a: [1, "二"] }, number: 8, list: ["x", "y"] });
    expect(await query()).toEqual(first);
    expect(await query()).toEqual(first);
  });

  it("keep a transaction's work together, roll it back on an error, and fail with the database's code", async () => {
    const insert = (code: string) => handle.db.insert(departments).values({ code, nameZh: "丙", nameEn: "C" });
    await insert("prep-c");
    await insert("prep-d"); // the insert's text is named from here on
    const failed = await handle.db
      .transaction(async (tx) => {
        await tx.insert(departments).values({ code: "prep-e", nameZh: "丁", nameEn: "D" });
        await tx.insert(departments).values({ code: "prep-c", nameZh: "丙", nameEn: "C" }); // a duplicate code
      })
      .catch((error: { cause?: { code?: string } }) => error);
    expect((failed as { cause?: { code?: string } }).cause?.code).toBe("23505");
    expect(await department("prep-e")).toEqual([]);
    // The connection is usable after the error, inside and outside a transaction.
    await handle.db.transaction(async (tx) => {
      await tx.insert(departments).values({ code: "prep-f", nameZh: "戊", nameEn: "F" });
    });
    expect(await department("prep-f")).toHaveLength(1);
  });

  it("run one at a time when many are in flight at once", async () => {
    await handle.db.insert(departments).values({ code: "prep-g", nameZh: "己", nameEn: "G" });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => department(i % 2 ? "prep-g" : "prep-a")));
    answers.forEach((rows, i) => expect(rows[0]!.code).toBe(i % 2 ? "prep-g" : "prep-a"));
  });
});
