import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { departments } from "~db/schema";
import { createAccount } from "~/features/accounts/create-account.server";
import type { Role } from "~/domain/vocabulary";

export const TEST_PASSWORD = "correct horse battery";

const unique = () => randomBytes(4).toString("hex");

export async function makeDepartment(db: Db, code = `dept-${unique()}`) {
  const [row] = await db
    .insert(departments)
    .values({ code, nameZh: `科室${code}`, nameEn: `Department ${code}` })
    .onConflictDoNothing()
    .returning();
  return row ?? (await db.select().from(departments).where(eq(departments.code, code)))[0]!;
}

export async function makeUser(db: Db, role: Exclude<Role, "doctor"> = "patient", email = `${role}-${unique()}@test.example`) {
  const { userId } = await createAccount(db, {
    email,
    password: TEST_PASSWORD,
    displayName: `Test ${role}`,
    role,
  });
  return { id: userId, email };
}

export async function makeDoctor(db: Db, overrides: { departmentId?: string; nameEn?: string } = {}) {
  const departmentId = overrides.departmentId ?? (await makeDepartment(db)).id;
  const email = `doctor-${unique()}@test.example`;
  const nameEn = overrides.nameEn ?? `Doctor ${unique()}`;
  const { userId, doctorId } = await createAccount(
    db,
    { email, password: TEST_PASSWORD, displayName: nameEn, role: "doctor" },
    { departmentId, nameZh: `医生${nameEn}`, nameEn, title: "attending" },
  );
  return { id: doctorId!, userId, email, departmentId };
}
