/**
 * The clinic day view with 200 doctors and 30 appointments each: server render time (p50/p95 over HTTP
 * on loopback) and the size of the HTML.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { openDatabase } from "~db/client.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~db/demo-hospital";
import { seedDemoHospital } from "~db/seed";
import { addDays, localDateOf, zonedToInstant } from "~/utils/zoned-time";
import { client } from "../helpers/http";
import { startServer } from "../helpers/server";
import { ms, percentile } from "./stats";
import { createScratchDatabase } from "../helpers/database";

const DOCTORS = 200;
const PER_DOCTOR = 30;
const ZONE = "Asia/Shanghai";

/** On the embedded database, or on a scratch database of the PostgreSQL server at `serverUrl`. */
export async function benchSchedule(serverUrl?: string) {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "yunzhen-bench-")), "pglite");
  const date = addDays(localDateOf(new Date(), ZONE), 1);
  const dayStart = zonedToInstant(date, 8 * 60, ZONE);
  const scratch = serverUrl ? await createScratchDatabase(serverUrl, "yz_bench") : undefined;
  const databaseUrl = scratch?.url;
  const handle = await openDatabase(databaseUrl ? { databaseUrl } : { pgliteDir: dir });
  await seedDemoHospital(handle.db);
  await handle.db.execute(sql`
    insert into users (email, display_name, role)
    select 'sched-doctor-' || g || '@bench.example', '医生 ' || g, 'doctor' from generate_series(1, ${DOCTORS}) g`);
  await handle.db.execute(sql`
    with u as (select id, display_name, row_number() over (order by email) n from users where email like 'sched-doctor-%'),
         dep as (select id, row_number() over (order by sort_order) - 1 n, count(*) over () total from departments)
    insert into doctors (user_id, department_id, name_zh, name_en, title)
    select u.id, dep.id, u.display_name, 'Doctor ' || u.display_name, 'attending'
    from u join dep on dep.n = u.n % dep.total`);
  await handle.db.execute(sql`
    insert into availability_rules (doctor_id, weekday, start_time, end_time, slot_minutes, effective_from)
    select d.id, w, '08:00', '18:00', 20, '2020-01-01' from doctors d cross join generate_series(1, 7) w
    where d.name_en like 'Doctor %'`);
  await handle.db.execute(sql`
    insert into users (email, display_name, role)
    select 'sched-patient-' || g || '@bench.example', '患者 ' || g, 'patient' from generate_series(1, ${DOCTORS}) g`);
  await handle.db.execute(sql`
    with d as (select id, row_number() over (order by id) n from doctors where name_en like 'Doctor %'),
         p as (select id, row_number() over (order by id) n from users where email like 'sched-patient-%')
    insert into appointments (patient_id, doctor_id, starts_at, ends_at, status, cancelled_at, reason, idempotency_key)
    select p.id, d.id,
      ${dayStart.toISOString()}::timestamptz + (k * 20 || ' minutes')::interval,
      ${dayStart.toISOString()}::timestamptz + (k * 20 + 20 || ' minutes')::interval,
      (array['booked','checked_in','in_consultation','completed','no_show','cancelled'])[1 + (k % 6)]::appointment_status,
      case when k % 6 = 5 then now() end,
      'Benchmark visit', 'sched-' || d.n || '-' || k
    from d join p on p.n = d.n cross join generate_series(0, ${PER_DOCTOR - 1}) k`);
  await handle.close();

  const server = await startServer(databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DIR: dir });
  try {
    const staff = client(server.url);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const timings: number[] = [];
    let html = "";
    for (let i = 0; i < 33; i++) {
      const t0 = performance.now();
      const response = await staff.get(`/clinic/schedule?date=${date}`);
      html = await response.text();
      if (i >= 3) timings.push(performance.now() - t0); // the first three warm the server up
    }
    const blocks = (html.match(/class="blk /g) ?? []).length;
    console.log(`  clinic day view on ${databaseUrl ? "PostgreSQL" : "PGlite"}, ${DOCTORS + 13} doctors, ${blocks} appointment blocks (30 runs after 3 warm-up)`);
    console.log(`    server render over loopback: p50 ${ms(percentile(timings, 50))}, p95 ${ms(percentile(timings, 95))}`);
    console.log(`    HTML ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB, ${(gzipSync(html).length / 1024).toFixed(0)} KiB gzip`);
  } finally {
    await server.stop();
    await scratch?.drop();
  }
}
