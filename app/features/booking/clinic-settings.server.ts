import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { clinicSettings } from "~db/schema";

export type BookingPolicy = {
  timeZone: string;
  minNoticeMinutes: number;
  bookingHorizonDays: number;
  cancellationCutoffMinutes: number;
};

/** The clinic's settings row, created with its defaults the first time it is asked for. */
export async function getClinicSettings(db: Db) {
  const [row] = await db.select().from(clinicSettings).where(eq(clinicSettings.id, 1));
  if (row) return row;
  await db.insert(clinicSettings).values({ id: 1 }).onConflictDoNothing();
  const [created] = await db.select().from(clinicSettings).where(eq(clinicSettings.id, 1));
  return created!;
}

export async function getBookingPolicy(db: Db): Promise<BookingPolicy> {
  const s = await getClinicSettings(db);
  return {
    timeZone: s.timeZone,
    minNoticeMinutes: s.minNoticeMinutes,
    bookingHorizonDays: s.bookingHorizonDays,
    cancellationCutoffMinutes: s.cancellationCutoffMinutes,
  };
}

export type ClinicSettingsInput = {
  nameZh: string;
  nameEn: string;
  timeZone: string;
  minNoticeMinutes: number;
  bookingHorizonDays: number;
  cancellationCutoffMinutes: number;
};

export async function saveClinicSettings(db: Db, input: ClinicSettingsInput) {
  await getClinicSettings(db);
  await db
    .update(clinicSettings)
    .set({ ...input, updatedAt: new Date() })
    .where(eq(clinicSettings.id, 1));
}
