import { and, asc, count, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { departments, doctors } from "~db/schema";

export type DirectoryFilter = { departmentCode?: string; query?: string };

export async function listDepartments(db: Db) {
  return db
    .select({
      id: departments.id,
      code: departments.code,
      nameZh: departments.nameZh,
      nameEn: departments.nameEn,
      doctorCount: count(doctors.id),
    })
    .from(departments)
    .leftJoin(doctors, eq(doctors.departmentId, departments.id))
    .groupBy(departments.id)
    .orderBy(asc(departments.sortOrder), asc(departments.nameEn));
}

/** What the directory and a doctor's profile show of a doctor. */
export const doctorProfileColumns = {
  id: doctors.id,
  nameZh: doctors.nameZh,
  nameEn: doctors.nameEn,
  title: doctors.title,
  specialties: doctors.specialties,
  languages: doctors.languages,
  bioZh: doctors.bioZh,
  bioEn: doctors.bioEn,
  minutes: doctors.defaultConsultationMinutes,
  department: { code: departments.code, nameZh: departments.nameZh, nameEn: departments.nameEn },
};

/** Doctors matching a department and a free-text search over names and specialties (both languages). */
export async function listDoctors(db: Db, filter: DirectoryFilter) {
  const conditions: SQL[] = [];
  if (filter.departmentCode) conditions.push(eq(departments.code, filter.departmentCode));
  const query = filter.query?.trim();
  if (query) {
    const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        ilike(doctors.nameZh, pattern),
        ilike(doctors.nameEn, pattern),
        sql`${doctors.specialties}::text ilike ${pattern}`,
      )!,
    );
  }
  return db
    .select(doctorProfileColumns)
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(departments.sortOrder), asc(doctors.title), asc(doctors.nameEn));
}
