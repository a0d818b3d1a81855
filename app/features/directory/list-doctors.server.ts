import { and, asc, count, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { searchTerms } from "./search-terms";
import { departments, doctors } from "~db/schema";

export type DirectoryFilter = { departmentCode?: string; query?: string };

/**
 * The directory's address bar (`?department=&q=&page=`): anything malformed falls back to "all". Kept
 * here, on the server, so the page's browser bundle carries no validation library.
 */
const directorySearchSchema = z.object({
  department: z.string().max(60).optional().catch(undefined),
  q: z.string().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

export function parseDirectorySearch(url: URL) {
  return directorySearchSchema.parse(Object.fromEntries(url.searchParams));
}

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

/** What the directory shows of a doctor (its cards carry no biography). */
const directoryColumns = {
  id: doctors.id,
  nameZh: doctors.nameZh,
  nameEn: doctors.nameEn,
  title: doctors.title,
  specialties: doctors.specialties,
  languages: doctors.languages,
  minutes: doctors.defaultConsultationMinutes,
  department: { code: departments.code, nameZh: departments.nameZh, nameEn: departments.nameEn },
};

/** What a doctor's profile shows of a doctor. */
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

/** The directory shows this many doctors a page: a provincial hospital has hundreds. */
export const DIRECTORY_PAGE_SIZE = 20;

/**
 * One page of the doctors matching a department and a free-text search over names, specialties and
 * departments (both languages, everyday words included: `searchTerms`), and how many match in all. One query.
 */
export async function listDoctors(db: Db, filter: DirectoryFilter, page = 1) {
  const conditions: SQL[] = [];
  if (filter.departmentCode) conditions.push(eq(departments.code, filter.departmentCode));
  const terms = searchTerms(filter.query ?? "");
  if (terms.length > 0) {
    const matches = terms.flatMap((term) => {
      const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return [
        ilike(doctors.nameZh, pattern),
        ilike(doctors.nameEn, pattern),
        sql`${doctors.specialties}::text ilike ${pattern}`,
        ilike(departments.nameZh, pattern),
        ilike(departments.nameEn, pattern),
      ];
    });
    conditions.push(or(...matches)!);
  }
  const rows = await db
    .select({ ...directoryColumns, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(departments.sortOrder), asc(doctors.title), asc(doctors.nameEn), asc(doctors.id))
    .limit(DIRECTORY_PAGE_SIZE)
    .offset((page - 1) * DIRECTORY_PAGE_SIZE);
  // Past the last page: no rows, so no count either; the page says so and links back.
  const total = rows[0]?.total ?? (page > 1 ? await countDoctors(db, conditions) : 0);
  return { doctors: rows.map(({ total: _total, ...doctor }) => doctor), total };
}

async function countDoctors(db: Db, conditions: SQL[]) {
  const [row] = await db
    .select({ total: count() })
    .from(doctors)
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(conditions.length ? and(...conditions) : undefined);
  return row?.total ?? 0;
}
