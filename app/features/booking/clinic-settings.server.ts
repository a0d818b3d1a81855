import { eq } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { clinicSettings, type ClinicSettings } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { LiveHub } from "~/features/live/hub.server";
import { publish } from "~/features/live/publish.server";
import { processWide } from "~/utils/process-wide";
import type { Actor } from "./appointment-access.server";

export type BookingPolicy = {
  timeZone: string;
  minNoticeMinutes: number;
  bookingHorizonDays: number;
  cancellationCutoffMinutes: number;
};

/** A cached copy is trusted this long even if a change event was lost (the hub resyncs after outages). */
const CACHE_SECONDS = 30;

type Cached = { row: Promise<ClinicSettings>; expires: number };
/** Handles whose settings are kept in memory (the server's, which hears every change through the hub). */
const cached = processWide("clinic-settings", () => new WeakMap<Db, { current: Cached | null }>());

/**
 * Keeps the clinic's settings in memory for this database handle: read on almost every page (join
 * windows, booking policy), changed a few times a year. A change on any app instance reaches every
 * instance through NOTIFY (`settings` event); after a lost connection the hub's resync drops the copy.
 */
export function cacheClinicSettings(db: Db, hub: LiveHub): () => void {
  const slot = { current: null as Cached | null };
  cached.set(db, slot);
  const forget = () => (slot.current = null);
  const unsubscribe = hub.subscribe((event) => {
    if (event.kind === "settings") forget();
  });
  const unResync = hub.onResync(forget);
  return () => {
    unsubscribe();
    unResync();
    cached.delete(db);
  };
}

/** The clinic's settings row, created with its defaults the first time it is asked for. */
export async function getClinicSettings(db: Db): Promise<ClinicSettings> {
  const slot = cached.get(db);
  if (!slot) return readClinicSettings(db);
  const now = Date.now();
  if (!slot.current || slot.current.expires <= now) {
    const row = readClinicSettings(db);
    slot.current = { row, expires: now + CACHE_SECONDS * 1000 };
    // A failed read is not remembered.
    row.catch(() => {
      if (slot.current?.row === row) slot.current = null;
    });
  }
  return slot.current.row;
}

async function readClinicSettings(db: Db): Promise<ClinicSettings> {
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

/**
 * Saves the settings, tells every app instance (their cached copies, the free-slot index) and records,
 * in the same transaction, which settings changed, from what to what (all of them are the clinic's
 * configuration, none a person's data).
 */
export async function saveClinicSettings(
  db: Db,
  input: ClinicSettingsInput,
  by: { actor?: Actor; clientAddress?: string | null } = {},
) {
  await readClinicSettings(db);
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(clinicSettings).where(eq(clinicSettings.id, 1)).for("update");
    await tx
      .update(clinicSettings)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(clinicSettings.id, 1));
    await publish(tx, { kind: "settings" });
    const changed = Object.fromEntries(
      (Object.keys(input) as (keyof ClinicSettingsInput)[])
        .filter((field) => before?.[field] !== input[field])
        .map((field) => [field, { from: before?.[field] ?? null, to: input[field] }]),
    );
    await recordAudit(tx, {
      actorId: by.actor?.id ?? null,
      actorRole: by.actor?.role ?? null,
      action: "clinic.settings_changed",
      entityType: "clinic_settings",
      entityId: "1",
      clientAddress: by.clientAddress,
      detail: { changed },
    });
  });
  const slot = cached.get(db);
  if (slot) slot.current = null;
}
