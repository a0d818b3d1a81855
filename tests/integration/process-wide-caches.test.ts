import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { availabilityRules, clinicSettings } from "~db/schema";
import { createLiveHub, type LiveHub } from "~/features/live/hub.server";
import { giveHours } from "../helpers/booking";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

/**
 * The server runs `server.ts` through tsx and the routes from the Remix build, a bundle: each holds its own
 * copy of a feature module. `vi.resetModules()` gives the same: a second copy of the module, as the build's.
 */
async function twoCopies<T>(load: () => Promise<T>): Promise<[server: T, build: T]> {
  const server = await load();
  vi.resetModules();
  const build = await load();
  expect(build).not.toBe(server);
  return [server, build];
}

let hub: LiveHub | undefined;
const forget: (() => void)[] = [];
afterEach(async () => {
  forget.splice(0).forEach((f) => f());
  await hub?.close();
  hub = undefined;
});

describe("the caches the server sets up at start", () => {
  it("serve the routes' copy of the module too: the clinic's settings are read once, not on every page", async () => {
    const [server, build] = await twoCopies(() => import("~/features/booking/clinic-settings.server"));
    hub = await createLiveHub(testDatabase.handle.listen);
    forget.push(server.cacheClinicSettings(db(), hub));
    const first = await build.getClinicSettings(db());
    // Changed behind the cache's back (no NOTIFY): a page served from memory still shows what was read.
    await db().update(clinicSettings).set({ nameEn: "Changed behind the cache" }).where(eq(clinicSettings.id, 1));
    expect((await build.getClinicSettings(db())).nameEn).toBe(first.nameEn);
  });

  it("serve the routes' copy of the module too: a doctor's hours are read once for a rush of bookings", async () => {
    const [server, build] = await twoCopies(() => import("~/features/booking/doctor-hours.server"));
    hub = await createLiveHub(testDatabase.handle.listen);
    forget.push(server.cacheDoctorHours(db(), hub));
    const doctor = await makeDoctor(db());
    await giveHours(db(), doctor.id, { weekday: 1, start: "09:00", end: "12:00", from: "2020-01-01" });
    const now = new Date();
    expect((await build.doctorHours(db(), doctor.id, now)).rules).toHaveLength(1);
    await db().delete(availabilityRules).where(eq(availabilityRules.doctorId, doctor.id));
    expect((await build.doctorHours(db(), doctor.id, now)).rules).toHaveLength(1);
  });
});
