import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departments, doctors, users } from "~db/schema";
import { DEMO_ACCOUNTS, DEMO_DOCTORS, DEMO_PASSWORD, DEMO_PATIENTS } from "~db/demo-hospital";
import { seedDemoHospital } from "~db/seed";
import { countDemoAccounts, DEMO_EMAILS } from "~/features/accounts/demo-accounts.server";
import { signIn } from "~/features/auth/sign-in.server";
import { DIRECTORY_PAGE_SIZE, listDoctors } from "~/features/directory/list-doctors.server";
import { LIMITS } from "../helpers/config";
import { createTestDatabase } from "../helpers/database";

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const count = async (table: typeof users | typeof doctors | typeof departments) =>
  (await handle.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

describe("the demo hospital", () => {
  it("seeds six departments, at least twelve doctors and one account of each role, and is idempotent", async () => {
    expect(await countDemoAccounts(handle.db)).toBe(0);
    const first = await seedDemoHospital(handle.db);
    const snapshot = { users: await count(users), doctors: await count(doctors), departments: await count(departments) };
    expect(snapshot.departments).toBeGreaterThanOrEqual(6);
    expect(snapshot.doctors).toBeGreaterThanOrEqual(12);
    expect(first.created).toBe(snapshot.users);
    const second = await seedDemoHospital(handle.db);
    expect(second.created).toBe(0);
    expect({ users: await count(users), doctors: await count(doctors), departments: await count(departments) }).toEqual(
      snapshot,
    );
    expect(await countDemoAccounts(handle.db)).toBe(DEMO_EMAILS.length);
  });

  it("lets every demo account sign in with the documented password", async () => {
    // All of them share one hash of the password: the last doctor and the last demo patient too.
    for (const account of [...Object.values(DEMO_ACCOUNTS), DEMO_DOCTORS.at(-1)!, DEMO_PATIENTS.at(-1)!]) {
      const result = await signIn(handle.db, { email: account.email, password: DEMO_PASSWORD, clientAddress: "127.0.0.1" }, LIMITS);
      expect(result.ok, account.email).toBe(true);
    }
  });

  it("finds doctors by department and by a specialty in either language", async () => {
    const { doctors: respiratory, total } = await listDoctors(handle.db, { departmentCode: "respiratory" });
    expect(total).toBe(respiratory.length);
    expect(respiratory.length).toBeGreaterThanOrEqual(2);
    expect(respiratory.every((d) => d.department.code === "respiratory")).toBe(true);
    const { doctors: asthmaEn } = await listDoctors(handle.db, { query: "asthma" });
    const { doctors: asthmaZh } = await listDoctors(handle.db, { query: "哮喘" });
    expect(asthmaEn.map((d) => d.id).sort()).toEqual(asthmaZh.map((d) => d.id).sort());
    expect(asthmaEn.length).toBeGreaterThan(0);
    expect((await listDoctors(handle.db, { query: "%" })).doctors).toHaveLength(0);
  });

  it("lists the directory a page at a time, with the count of all matches and nothing past the last page", async () => {
    const all = await listDoctors(handle.db, {});
    expect(all.total).toBe(13);
    const small = DIRECTORY_PAGE_SIZE;
    expect(all.doctors).toHaveLength(Math.min(13, small));
    const beyond = await listDoctors(handle.db, {}, 99);
    expect(beyond).toEqual({ doctors: [], total: 13 });
  });
});
