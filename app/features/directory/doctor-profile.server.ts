import { eq, sql } from "drizzle-orm";
import { reusableQuery, type Db } from "~db/client.server";
import { departments, doctors } from "~db/schema";
import { NotFoundError } from "~/utils/errors";
import { doctorProfileColumns } from "./list-doctors.server";

const doctorByUserQuery = reusableQuery((db) =>
  db
    .select({
      id: doctors.id,
      nameZh: doctors.nameZh,
      nameEn: doctors.nameEn,
      title: doctors.title,
      department: { nameZh: departments.nameZh, nameEn: departments.nameEn },
    })
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(eq(doctors.userId, sql.placeholder("userId")))
    .prepare("doctor_by_user"),
);

/** The doctor profile of a signed-in doctor, with their department; null if the account has none. */
export async function findDoctorByUser(db: Db, userId: string) {
  const [row] = await doctorByUserQuery(db, { userId });
  return row ?? null;
}

/** A doctor's public profile for the booking pages. */
export async function getDoctorProfile(db: Db, doctorId: string) {
  const [row] = await db
    .select(doctorProfileColumns)
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(eq(doctors.id, doctorId));
  if (!row) throw new NotFoundError("error.doctorNotFound");
  return row;
}
