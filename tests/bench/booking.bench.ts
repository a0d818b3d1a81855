/**
 * Booking figures: free slots of one doctor over 28 days with 100,000 appointments in the table, and
 * booking under 50-way concurrency beside a raw SQL insert into the same table, same constraint.
 */
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "~db/client.server";
import { appointments } from "~db/schema";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cacheClinicSettings, getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { cacheDoctorHours } from "~/features/booking/doctor-hours.server";
import { createFreeSlotIndex } from "~/features/booking/free-slot-index.server";
import { createLiveHub } from "~/features/live/hub.server";
import { giveHours } from "../helpers/booking";
import { makeDepartment, makeDoctor } from "../helpers/factories";
import { ms, percentile, time } from "./stats";

const DOCTORS = 200;
const APPOINTMENTS = 100_000;
const RACERS = 50;

export async function benchBooking(handle: DatabaseHandle) {
  const { db } = handle;
  const department = await makeDepartment(db, "bench");
  const target = await makeDoctor(db, { departmentId: department.id, nameEn: "Bench target" });
  for (let weekday = 1; weekday <= 6; weekday++) {
    await giveHours(db, target.id, { weekday, start: "08:00", end: "12:00", slotMinutes: 15, from: "2020-01-01" });
    await giveHours(db, target.id, { weekday, start: "13:30", end: "17:30", slotMinutes: 15, from: "2020-01-01" });
  }

  // 200 doctors (the target among them) and 200 patients, then 100,000 appointments: each doctor one a day
  // over 500 days around today, and every other slot of the target's next 28 days. Those daily appointments
  // fall at whatever time of day the bench starts: the patients who book below are others, with no
  // appointment of their own that a slot could overlap at any hour.
  const [setup, setupMs] = await time(async () => {
    await db.execute(sql`
      insert into users (email, display_name, role)
      select 'bench-doctor-' || g || '@bench.example', 'Bench doctor ' || g, 'doctor' from generate_series(1, ${DOCTORS - 1}) g`);
    await db.execute(sql`
      insert into doctors (user_id, department_id, name_zh, name_en, title)
      select id, ${department.id}, display_name, display_name, 'attending' from users where email like 'bench-doctor-%'`);
    await db.execute(sql`
      insert into users (email, display_name, role)
      select 'bench-patient-' || g || '@bench.example', 'Bench patient ' || g, 'patient' from generate_series(1, ${DOCTORS}) g`);
    await db.execute(sql`
      insert into users (email, display_name, role)
      select 'bench-booker-' || g || '@bench.example', 'Bench booker ' || g, 'patient' from generate_series(0, ${RACERS}) g`);
    const now = new Date();
    const firstDay = new Date(now.getTime() - 400 * 86_400_000);
    await db.execute(sql`
      with d as (select id, row_number() over (order by id) as n from doctors),
           p as (select id, row_number() over (order by id) as n from users where email like 'bench-patient-%')
      insert into appointments (patient_id, doctor_id, starts_at, ends_at, status, reason, idempotency_key)
      select p.id, d.id,
             ${firstDay.toISOString()}::timestamptz + (k || ' days')::interval + ((d.n % 40) * 15 || ' minutes')::interval,
             ${firstDay.toISOString()}::timestamptz + (k || ' days')::interval + ((d.n % 40) * 15 + 15 || ' minutes')::interval,
             case when k < 400 then 'completed'::appointment_status else 'booked'::appointment_status end,
             'Benchmark visit', 'bench-' || d.n || '-' || k
      from d join p on p.n = d.n
      cross join generate_series(0, ${APPOINTMENTS / DOCTORS - 1}) k`);
    const policy = await getBookingPolicy(db);
    const everyOther = (await freeSlotsOfDoctor(db, target.id, policy, now)).filter((_, i) => i % 2 === 0);
    const [patient] = rowsOf<{ id: string }>(
      await db.execute(sql`select id from users where email = 'bench-booker-0@bench.example'`),
    );
    await db.insert(appointments).values(
      everyOther.map((slot, i) => ({
        patientId: patient!.id,
        doctorId: target.id,
        startsAt: slot.start,
        endsAt: slot.end,
        reason: "Benchmark visit",
        idempotencyKey: `bench-target-${i}`,
      })),
    );
    return { policy, booked: everyOther.length };
  });
  const [{ count }] = (await db.select({ count: sql<number>`count(*)::int` }).from(appointments)) as [{ count: number }];

  const samples: number[] = [];
  for (let i = 0; i < 100; i++) {
    const [, elapsed] = await time(() => freeSlotsOfDoctor(db, target.id, setup.policy, new Date()));
    samples.push(elapsed);
  }
  console.log(`  free slots of one doctor over 28 days, ${count.toLocaleString("en")} appointments in the table`);
  console.log(`    setup ${ms(setupMs)}; every other slot of the doctor booked (${setup.booked}); 100 runs: p50 ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}`);

  // 50-way races: each round, 50 different patients ask for the same slot at once.
  const patientIds = rowsOf<{ id: string }>(
    await db.execute(sql`select id from users where email like 'bench-booker-%' and email <> 'bench-booker-0@bench.example' order by email`),
  ).map((r) => r.id);
  const raceDoctor = await makeDoctor(db, { departmentId: department.id, nameEn: "Race doctor" });
  for (let weekday = 1; weekday <= 7; weekday++) {
    await giveHours(db, raceDoctor.id, { weekday, start: "00:00", end: "23:45", slotMinutes: 15, from: "2020-01-01" });
  }
  // As in the server: the clinic's settings and doctors' hours kept in memory, told of changes by NOTIFY.
  const hub = await createLiveHub(handle.listen);
  const forgetSettings = cacheClinicSettings(db, hub);
  const forgetHours = cacheDoctorHours(db, hub);
  const slots = createFreeSlotIndex(db, hub);
  const policy = await getBookingPolicy(db);
  const raceSlots = (await freeSlotsOfDoctor(db, raceDoctor.id, policy, new Date())).slice(0, 40);
  const rounds = 10;
  const bookLatencies: number[] = [];
  let bookWins = 0;
  const [, bookTotal] = await time(async () => {
    for (let r = 0; r < rounds; r++) {
      const slot = raceSlots[r * 2]!;
      const results = await Promise.all(
        patientIds.map(async (patientId) => {
          const t0 = performance.now();
          const outcome = await bookAppointment(db, {
            patientId,
            doctorId: raceDoctor.id,
            startsAt: slot.start,
            reason: "Benchmark race",
            symptoms: "",
            idempotencyKey: crypto.randomUUID(),
          }, new Date(), { slots }).then(
            () => true,
            (error: { status?: number }) => {
              if (error.status !== 409) throw error;
              return false;
            },
          );
          bookLatencies.push(performance.now() - t0);
          return outcome;
        }),
      );
      bookWins += results.filter(Boolean).length;
    }
  });

  const rawLatencies: number[] = [];
  let rawWins = 0;
  const [, rawTotal] = await time(async () => {
    for (let r = 0; r < rounds; r++) {
      const slot = raceSlots[r * 2 + 1]!;
      const results = await Promise.all(
        patientIds.map(async (patientId) => {
          const t0 = performance.now();
          const rows = await db
            .insert(appointments)
            .values({
              patientId,
              doctorId: raceDoctor.id,
              startsAt: slot.start,
              endsAt: slot.end,
              reason: "Benchmark race",
              idempotencyKey: crypto.randomUUID(),
            })
            .onConflictDoNothing()
            .returning({ id: appointments.id });
          rawLatencies.push(performance.now() - t0);
          return rows.length === 1;
        }),
      );
      rawWins += results.filter(Boolean).length;
    }
  });
  slots.close();
  forgetHours();
  forgetSettings();
  await hub.close();
  const requests = rounds * patientIds.length;
  console.log(`  booking under 50-way concurrency (${rounds} races for one slot each, ${requests} requests)`);
  console.log(
    `    bookAppointment: p50 ${ms(percentile(bookLatencies, 50))}, p95 ${ms(percentile(bookLatencies, 95))}, ` +
      `${(requests / (bookTotal / 1000)).toFixed(0)} requests/s, ${bookWins} bookings (one per race: ${bookWins === rounds ? "yes" : "NO"})`,
  );
  console.log(
    `    raw INSERT … ON CONFLICT DO NOTHING: p50 ${ms(percentile(rawLatencies, 50))}, p95 ${ms(percentile(rawLatencies, 95))}, ` +
      `${(requests / (rawTotal / 1000)).toFixed(0)} requests/s, ${rawWins} rows (one per race: ${rawWins === rounds ? "yes" : "NO"})`,
  );
  console.log(
    `    ratio bookAppointment / raw insert: p50 ×${(percentile(bookLatencies, 50) / percentile(rawLatencies, 50)).toFixed(1)}, ` +
      `throughput ×${(rawTotal / bookTotal).toFixed(2)}`,
  );
}

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
