import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { clinicSettings, departments, doctors } from "~db/schema";

/** The doctor profile of a signed-in doctor, with their department; null if the account has none. */
export async function findDoctorByUser(db: Db, userId: string) {
  const [row] = await db
    .select({
      id: doctors.id,
      nameZh: doctors.nameZh,
      nameEn: doctors.nameEn,
      title: doctors.title,
      department: { nameZh: departments.nameZh, nameEn: departments.nameEn },
    })
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(eq(doctors.userId, userId));
  return row ?? null;
}

export async function getClinicSettings(db: Db) {
  const [row] = await db.select().from(clinicSettings).where(eq(clinicSettings.id, 1));
  if (row) return row;
  const [created] = await db.insert(clinicSettings).values({ id: 1 }).onConflictDoNothing().returning();
  return created ?? (await db.select().from(clinicSettings).where(eq(clinicSettings.id, 1)))[0]!;
}
