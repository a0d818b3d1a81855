/**
 * Booking figures: free slots of one doctor over 28 days with 100,000 appointments in the table, and
 * booking under 50-way concurrency beside a raw SQL insert into the same table, same constraint.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "~db/client.server";
import { appointments } from "~db/schema";
import { freeSlotsOfDoctor } from "~/features/booking/availability.server";
import { bookAppointment } from "~/features/booking/book-appointment.server";
import { cacheClinicSettings, getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { cacheDoctorHours } from "~/features/booking/doctor-hours.server";
import { createFreeSlotIndex } from "~/features/booking/free-slot-index.server";
import { createLiveHub } from "~/features/live/hub.server";
import type { Interval } from "~/features/booking/slots";
import { giveHours } from "../helpers/booking";
import { makeDepartment, makeDoctor } from "../helpers/factories";
import { ms, percentile, time } from "./stats";

const DOCTORS = 200;
const APPOINTMENTS = 100_000;
const RACERS = 50;
/** Untimed races first: PostgreSQL plans a prepared statement afresh for its first five runs on a connection. */
const WARM_UP = 6;

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
  const rounds = 30;
  const raceSlots = (await freeSlotsOfDoctor(db, raceDoctor.id, policy, new Date())).slice(0, 2 * (rounds + WARM_UP));
  /**
   * `rounds` races of all patients at once for one slot each (slots `first`, `first + 2`, …), after
   * `WARM_UP` untimed races that open the pool's connections and let each of them settle on its plans:
   * what a server did long before 9 am, and not what either contender costs. Also counts the CPU time of
   * this process and of the PostgreSQL server's processes (this machine's, from /proc) while it races.
   */
  const race = async (first: number, attempt: (patientId: string, slot: Interval) => Promise<boolean>) => {
    const round = (slot: Interval, latencies?: number[]) =>
      Promise.all(
        patientIds.map(async (patientId) => {
          const t0 = performance.now();
          const won = await attempt(patientId, slot);
          latencies?.push(performance.now() - t0);
          return won;
        }),
      );
    for (let w = 0; w < WARM_UP; w++) await round(raceSlots[2 * (rounds + w) + first]!);
    const cpu = process.cpuUsage();
    const serverCpu = handle.driver === "postgres" ? postgresCpuMs() : null;
    const latencies: number[] = [];
    let wins = 0;
    const [, total] = await time(async () => {
      for (let r = 0; r < rounds; r++) wins += (await round(raceSlots[r * 2 + first]!, latencies)).filter(Boolean).length;
    });
    const used = process.cpuUsage(cpu);
    const cpuMs = { app: (used.user + used.system) / 1000, server: serverCpu === null ? null : postgresCpuMs() - serverCpu };
    return { latencies, wins, total, cpuMs };
  };
  const book = await race(0, (patientId, slot) =>
    bookAppointment(db, { patientId, doctorId: raceDoctor.id, startsAt: slot.start, reason: "Benchmark race", symptoms: "", idempotencyKey: crypto.randomUUID() }, new Date(), { slots }).then(
      () => true,
      (error: { status?: number }) => {
        if (error.status !== 409) throw error;
        return false;
      },
    ),
  );
  const raw = await race(1, async (patientId, slot) => {
    const rows = await db
      .insert(appointments)
      .values({ patientId, doctorId: raceDoctor.id, startsAt: slot.start, endsAt: slot.end, reason: "Benchmark race", idempotencyKey: crypto.randomUUID() })
      .onConflictDoNothing()
      .returning({ id: appointments.id });
    return rows.length === 1;
  });
  slots.close();
  forgetHours();
  forgetSettings();
  await hub.close();
  const requests = rounds * patientIds.length;
  console.log(`  booking under 50-way concurrency (${rounds} races for one slot each, ${requests} requests, after ${WARM_UP} untimed races each)`);
  const line = (label: string, result: typeof book, what: string) =>
    console.log(
      `    ${label}: p50 ${ms(percentile(result.latencies, 50))}, p95 ${ms(percentile(result.latencies, 95))}, ` +
        `${(requests / (result.total / 1000)).toFixed(0)} requests/s, ${result.wins} ${what} (one per race: ${result.wins === rounds ? "yes" : "NO"}); ` +
        `CPU: this process ${ms(result.cpuMs.app)}${result.cpuMs.server === null ? "" : `, PostgreSQL ${ms(result.cpuMs.server)}`}`,
    );
  line("bookAppointment", book, "bookings");
  line("raw INSERT … ON CONFLICT DO NOTHING", raw, "rows");
  console.log(
    `    ratio bookAppointment / raw insert: p50 ×${(percentile(book.latencies, 50) / percentile(raw.latencies, 50)).toFixed(1)}, ` +
      `throughput ×${(raw.total / book.total).toFixed(2)}`,
  );
}

/** CPU time (ms) of every `postgres` process on this machine so far, from /proc (Linux). */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
      const fields = stat.slice(close + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** postgres.js returns rows as an array, PGlite as `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
