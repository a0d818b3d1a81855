/**
 * Capacity: what each hot page costs next to the cheapest Remix page, and how many arriving patients a
 * minute the server takes.
 *
 * 1. Requests a second of every hot page beside `/login`'s (a Remix page with no data), measured by
 *    `wrk` (16 connections, one thread) against the production server in a child process, in one run,
 *    with the demo hospital (13 doctors) and with 500 doctors and 100,000 appointments. A page that
 *    changes something (sign-in, booking, check-in, admit) gets a fresh target for every request.
 * 2. The highest arrival rate held at p99 ≤ 250 ms: patients arrive at a steady rate (open loop), each
 *    opening the sign-in page, signing in, opening the room and checking in; the rate steps up until the
 *    99th percentile of those requests passes 250 ms. With one worker and with two (PostgreSQL only).
 *
 * The arrival line is off here: what is measured is the server's own work. `CAPACITY_QUICK=1` runs the
 * first part with the demo hospital only; `WEB_CONCURRENCY` sets the workers (2 by default).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, inArray, like, sql } from "drizzle-orm";
import { openDatabase, type Db } from "~db/client.server";
import { DEMO_ACCOUNTS, DEMO_DOCTORS } from "~db/demo-hospital";
import { appointments, doctors, users } from "~db/schema";
import { seedDemoHospital } from "~db/seed";
import { hashPassword } from "~/features/auth/password.server";
import { startSession } from "~/features/auth/session.server";
import { freeSlotsOf } from "~/features/booking/availability.server";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { createScratchDatabase } from "../helpers/database";
import { buildApp, startServer, type RunningServer } from "../helpers/server";
import { percentile } from "./stats";

const PASSWORD = "capacity bench password";
const WRK_SECONDS = 5;
/** Pages that change something run shorter: every request needs a target of its own. */
const WRK_WRITE_SECONDS = 3;
const TARGETS = 2_000;
const ROOM_DATA = "routes%2Fconsult.%24appointmentId._index";

/** `encoding`: the Accept-Encoding sent (none unless given: what the page costs without compression). */
type Target = { method: "GET" | "POST"; path: string; cookie: string; body?: Record<string, string>; encoding?: string };
type Rate = { label: string; perSecond: number; failed: number };

function ensureWrk() {
  if (spawnSync("wrk", ["--version"]).error) {
    console.error("This bench needs wrk: apt-get install -y wrk");
    process.exit(2);
  }
}

/** wrk against one path, or cycling through many targets (a Lua script); requests a second that succeeded. */
function wrk(base: string, label: string, targets: Target[], seconds: number): Rate {
  const dir = mkdtempSync(path.join(tmpdir(), "yunzhen-wrk-"));
  try {
    const lines = targets.map((t) => [t.method, t.path, t.cookie, t.encoding ?? "", t.body ? new URLSearchParams(t.body).toString() : ""].join("\t"));
    writeFileSync(path.join(dir, "targets.tsv"), `${lines.join("\n")}\n`);
    writeFileSync(
      path.join(dir, "targets.lua"),
      `local targets = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do targets[#targets + 1] = line end
end
request = function()
  i = i + 1
  local method, path, cookie, encoding, body = targets[((i - 1) % #targets) + 1]:match("([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(.*)")
  local headers = { ["Origin"] = "${base}", ["Accept-Language"] = "en" }
  if cookie ~= "" then headers["Cookie"] = cookie end
  if encoding ~= "" then headers["Accept-Encoding"] = encoding end
  if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" else body = nil end
  return wrk.format(method, path, headers, body)
end
-- A redirect to the sign-in page is a refusal, not an answer (a session the server did not accept).
refused = 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
response = function(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if status >= 300 and status < 400 and location and location:find("/login", 1, true) then refused = refused + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("refused") end
  io.write("Refused by sign-in: " .. total .. "\\n")
end
`,
    );
    const out = execFileSync("wrk", ["-t1", "-c16", `-d${seconds}s`, "-s", path.join(dir, "targets.lua"), base, "--", path.join(dir, "targets.tsv")], { encoding: "utf8" });
    const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1] ?? 0);
    const duration = /requests in ([\d.]+)(m?s)/.exec(out);
    const elapsed = duration ? Number(duration[1]) / (duration[2] === "ms" ? 1000 : 1) : seconds;
    const failed =
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) +
      Number(/Socket errors: .*?timeout (\d+)/.exec(out)?.[1] ?? 0) +
      Number(/Refused by sign-in: (\d+)/.exec(out)?.[1] ?? 0);
    return { label, perSecond: (requests - failed) / elapsed, failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A session for a user, made directly (the bench measures pages, not argon2), as the production server
 * writes it (Secure, under the `__Host-…` name it reads).
 */
async function sessionCookie(db: Db, userId: string) {
  return (await startSession(db, userId, null, "password", { secureCookies: true })).split(";")[0]!;
}

/** A new database: on a scratch database of the PostgreSQL server, or a PGlite directory. */
async function newDatabase(serverUrl: string | undefined) {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "yunzhen-capacity-")), "pglite");
  const scratch = serverUrl ? await createScratchDatabase(serverUrl, "yz_cap") : undefined;
  const handle = await openDatabase(scratch ? { databaseUrl: scratch.url } : { pgliteDir: dir });
  await seedDemoHospital(handle.db);
  // Rooms stay open a day either side of their time: the bench's consultations need no particular hour.
  await handle.db.execute(sql`update clinic_settings set join_opens_minutes_before = 1440, join_closes_minutes_after = 1440 where id = 1`);
  const hash = await hashPassword(PASSWORD);
  return {
    handle,
    hash,
    serverEnv: (scratch ? { DATABASE_URL: scratch.url } : { PGLITE_DIR: dir }) as Record<string, string>,
    drop: async () => {
      await handle.close().catch(() => {});
      rmSync(path.dirname(dir), { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}

/** Patients `prefix-0000…`, all with the bench's password. */
async function addPatients(db: Db, prefix: string, count: number, hash: string) {
  await db.execute(sql`
    insert into users (email, display_name, role)
    select ${prefix} || '-' || lpad(g::text, 6, '0') || '@bench.example', 'Bench patient ' || g, 'patient' from generate_series(1, ${count}) g`);
  await db.execute(sql`insert into passwords (user_id, hash) select id, ${hash} from users where email like ${`${prefix}-%`}`);
  return db.select({ id: users.id, email: users.email }).from(users).where(like(users.email, `${prefix}-%`)).orderBy(users.email);
}

/** 487 more doctors with weekday hours, and appointments over the last 60 and next 28 days: 100,000 at least. */
async function growToHospital(db: Db, hash: string) {
  await db.execute(sql`
    insert into users (email, display_name, role)
    select 'cap-doctor-' || lpad(g::text, 3, '0') || '@bench.example', '医生 ' || g, 'doctor' from generate_series(1, 487) g`);
  await db.execute(sql`
    with u as (select id, display_name, row_number() over (order by email) n from users where email like 'cap-doctor-%'),
         dep as (select id, row_number() over (order by sort_order) - 1 n, count(*) over () total from departments)
    insert into doctors (user_id, department_id, name_zh, name_en, title, specialties, languages)
    select u.id, dep.id, u.display_name, 'Doctor ' || u.n, (array['chief','associate_chief','attending','resident'])[1 + u.n % 4]::doctor_title,
      '[{"zh":"常见病","en":"Common conditions"}]'::jsonb, array['zh','en']
    from u join dep on dep.n = u.n % dep.total`);
  await db.execute(sql`
    insert into availability_rules (doctor_id, weekday, start_time, end_time, slot_minutes, effective_from)
    select d.id, w, s.start_time, s.end_time, 15, '2020-01-01'
    from doctors d join users u on u.id = d.user_id cross join generate_series(1, 5) w
      cross join (values ('08:00'::time, '12:00'::time), ('13:30'::time, '17:00'::time)) s(start_time, end_time)
    where u.email like 'cap-doctor-%'`);
  await addPatients(db, "cap-history", 25_000, hash);
  // Each doctor: a few appointments a day, at distinct quarter hours; patients spread so that none overlaps.
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  await db.execute(sql`
    with d as (select id, row_number() over (order by id) - 1 n from doctors),
         p as (select id, row_number() over (order by email) - 1 n from users where email like 'cap-history-%'),
         k as (select g from generate_series(0, 229) g)
    insert into appointments (patient_id, doctor_id, starts_at, ends_at, status, reason, idempotency_key)
    select p.id, d.id, t.starts_at, t.starts_at + interval '15 minutes',
      (case when t.starts_at < now() then (array['completed','completed','completed','no_show'])[1 + (k.g % 4)] else 'booked' end)::appointment_status,
      'Follow-up visit', 'cap-' || d.n || '-' || k.g
    from d cross join k
    cross join lateral (select ${today.toISOString()}::timestamptz - interval '60 days' + (k.g / 3) * interval '1 day'
      + interval '1 hour' + ((k.g % 3) * 7 + d.n % 7) * interval '15 minutes' as starts_at) t
    join p on p.n = (d.n * 230 + k.g) % 25000
    on conflict do nothing`);
  return (await db.select({ id: appointments.id }).from(appointments)).length;
}

/** Appointments whose rooms are open now, one per new patient, spread over the given doctors. */
async function openRooms(db: Db, hash: string, doctorIds: string[], count: number, prefix: string) {
  const patients = await addPatients(db, prefix, count, hash);
  const rows = patients.map((p, i) => {
    const doctorId = doctorIds[i % doctorIds.length]!;
    const k = Math.floor(i / doctorIds.length);
    // Two-minute appointments from a few hours ago on: every room is open (the window is a day wide).
    const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 6 * 60 * 60_000 + k * 2 * 60_000);
    return { patientId: p.id, doctorId, startsAt, endsAt: new Date(startsAt.getTime() + 60_000), reason: "Bench visit", idempotencyKey: randomUUID() };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insert(appointments).values(rows.slice(i, i + 500)).onConflictDoNothing();
  const created = await db
    .select({ id: appointments.id, patientId: appointments.patientId, doctorId: appointments.doctorId })
    .from(appointments)
    .where(inArray(appointments.patientId, patients.map((p) => p.id)));
  return Promise.all(created.map(async (a) => ({ ...a, cookie: await sessionCookie(db, a.patientId) })));
}

/** Every hot page's requests a second, beside /login's, on one server. */
async function hotPages(label: string, base: string, db: Db, hash: string) {
  const patientRow = (await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ACCOUNTS.patient.email)))[0]!;
  const patient = await sessionCookie(db, patientRow.id);
  const doctorRow = (await db
    .select({ doctorId: doctors.id, userId: users.id })
    .from(doctors)
    .innerJoin(users, eq(users.id, doctors.userId))
    .where(eq(users.email, DEMO_DOCTORS[0]!.email)))[0]!;
  const doctor = await sessionCookie(db, doctorRow.userId);
  const policy = await getBookingPolicy(db);
  const allDoctors = (await db.select({ id: doctors.id }).from(doctors)).map((d) => d.id);
  const patientAppointment = (await db.select({ id: appointments.id }).from(appointments).where(eq(appointments.patientId, patientRow.id)))[0];

  // Fresh targets for the pages that change something.
  const signInPatients = await addPatients(db, "cap-signin", TARGETS, hash);
  const bookers = await addPatients(db, "cap-book", TARGETS, hash);
  const free = await freeSlotsOf(db, allDoctors, policy, new Date());
  const bookings: Target[] = [];
  for (let round = 0; bookings.length < TARGETS && round < 500; round++) {
    for (const [doctorId, slots] of free) {
      const slot = slots[round];
      if (!slot || bookings.length >= TARGETS) continue;
      const booker = bookers[bookings.length]!;
      const start = slot.start.toISOString();
      bookings.push({
        method: "POST",
        path: `/doctors/${doctorId}/book?start=${encodeURIComponent(start)}`,
        cookie: await sessionCookie(db, booker.id),
        body: { start, reason: "Cough and fever for three days", symptoms: "", idempotencyKey: randomUUID() },
      });
    }
  }
  const someSlot = [...free].find(([, slots]) => slots.length > 0)!;
  const rooms = await openRooms(db, hash, allDoctors.slice(0, 50), TARGETS, "cap-room");
  const doctorCookies = new Map<string, string>();
  for (const { doctorId } of rooms) {
    if (doctorCookies.has(doctorId)) continue;
    const [row] = await db.select({ userId: doctors.userId }).from(doctors).where(eq(doctors.id, doctorId));
    doctorCookies.set(doctorId, await sessionCookie(db, row!.userId));
  }
  const room = rooms[0]!;

  const get = (path: string, cookie = "", encoding?: string): Target[] => [{ method: "GET", path, cookie, encoding }];
  const rates: Rate[] = [];
  const measure = (what: string, targets: Target[], seconds = WRK_SECONDS) => {
    const rate = wrk(base, what, targets, seconds);
    rates.push(rate);
    return rate;
  };
  // The reference is measured first, after a short untimed run that warms the server's code, and again
  // last; the higher of the two is the reference (a cold first run once made every ratio look better).
  wrk(base, "GET /login (warming up, untimed)", get("/login"), 2);
  const loginFirst = measure("GET /login (the reference, first)", get("/login"));
  measure("POST /login (sign-in; argon2id)", signInPatients.map((p) => ({ method: "POST", path: "/login", cookie: "", body: { email: p.email, password: PASSWORD } })), WRK_WRITE_SECONDS);
  measure("GET /doctors", get("/doctors", patient));
  measure("GET /doctors/:id", get(`/doctors/${someSlot[0]}`, patient));
  measure("GET /doctors/:id/book?start=", get(`/doctors/${someSlot[0]}/book?start=${encodeURIComponent(someSlot[1][0]!.start.toISOString())}`, patient));
  measure("POST /doctors/:id/book (booking)", bookings, WRK_WRITE_SECONDS);
  measure("GET /appointments", get("/appointments", patient));
  // Compressed as a browser asks: brotli over HTTPS (a phone at 9 am), gzip over plain HTTP.
  measure("GET /appointments, brotli", get("/appointments", patient, "br"));
  measure("GET /appointments, gzip", get("/appointments", patient, "gzip"));
  if (patientAppointment) measure("GET /appointments/:id", get(`/appointments/${patientAppointment.id}`, patient));
  measure("GET /consult/:id (room page)", get(`/consult/${room.id}`, room.cookie));
  measure("GET /consult/:id?_data (room data)", get(`/consult/${room.id}?_data=${ROOM_DATA}`, room.cookie));
  measure("POST /consult/:id check-in", rooms.map((r) => ({ method: "POST", path: `/consult/${r.id}`, cookie: r.cookie, body: { intent: "checkIn" } })), WRK_WRITE_SECONDS);
  measure("GET /doctor/today", get("/doctor/today", doctor));
  const waiting = await db
    .select({ id: appointments.id, doctorId: appointments.doctorId })
    .from(appointments)
    .where(and(eq(appointments.status, "checked_in"), inArray(appointments.id, rooms.map((r) => r.id))));
  measure("POST /consult/:id admit", waiting.map((w) => ({ method: "POST", path: `/consult/${w.id}`, cookie: doctorCookies.get(w.doctorId)!, body: { intent: "admit", confirmAway: "1" } })), WRK_WRITE_SECONDS);

  const loginLast = measure("GET /login (the reference, last)", get("/login"));
  const login = loginFirst.perSecond >= loginLast.perSecond ? loginFirst : loginLast;
  console.log(`  ${label}: requests a second (16 connections), and each as a share of /login's (the higher of its two runs)`);
  for (const rate of rates) {
    const share = rate.perSecond / login.perSecond;
    console.log(
      `    ${rate.label.padEnd(38)} ${rate.perSecond.toFixed(0).padStart(6)}/s   ×${share.toFixed(2)} of /login${share >= 0.4 ? "" : "  (< 0.40)"}` +
        `${rate.failed ? `   (${rate.failed} answers refused or not 2xx/3xx)` : ""}`,
    );
  }
}

/**
 * Patients arriving at `perSecond` for `seconds`: sign-in page, sign-in, room page, check-in, each
 * request timed; returns the 99th percentile and the failures.
 */
async function arrivals(base: string, rooms: { id: string; email: string }[], perSecond: number, seconds: number) {
  const latencies: number[] = [];
  let failures = 0;
  const timed = async (pathname: string, init: RequestInit, cookies: Map<string, string>) => {
    const t0 = performance.now();
    const response = await fetch(`${base}${pathname}`, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
      headers: { ...(init.headers as Record<string, string>), Origin: base, Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - t0);
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(";")[0]!;
      cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
    }
    if (response.status >= 400) throw new Error(`${pathname}: ${response.status}`);
  };
  const form = (fields: Record<string, string>): RequestInit => ({
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  const count = Math.min(rooms.length, Math.round(perSecond * seconds));
  const t0 = performance.now();
  await Promise.all(
    rooms.slice(0, count).map(async (room, i) => {
      await new Promise((resolve) => setTimeout(resolve, t0 + (i / perSecond) * 1000 - performance.now()));
      const cookies = new Map<string, string>();
      try {
        await timed("/login", {}, cookies);
        await timed("/login", form({ email: room.email, password: PASSWORD }), cookies);
        await timed(`/consult/${room.id}`, {}, cookies);
        await timed(`/consult/${room.id}`, form({ intent: "checkIn" }), cookies);
      } catch {
        failures++;
      }
    }),
  );
  return { p99: percentile(latencies, 99), failures, patients: count };
}

/** The highest steady arrival rate with p99 ≤ 250 ms and no failure, stepping up. */
async function highestRate(serverEnv: Record<string, string>, workers: number, hash: string, db: Db) {
  const doctorIds = (await db.select({ id: doctors.id }).from(doctors)).map((d) => d.id).slice(0, 100);
  const rooms = await openRooms(db, hash, doctorIds, 6_000, `cap-arrive-${workers}`);
  const emails = new Map((await db.select({ id: users.id, email: users.email }).from(users).where(like(users.email, `cap-arrive-${workers}-%`))).map((u) => [u.id, u.email]));
  const queue = rooms.map((r) => ({ id: r.id, email: emails.get(r.patientId)! }));
  const server = await startServer({ ...serverEnv, WEB_CONCURRENCY: String(workers), RATE_LIMIT_SCALE: "1000" });
  try {
    const base = server.url.replace("localhost", "127.0.0.1");
    let held = 0;
    let used = 0;
    for (const rate of [5, 10, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, 100]) {
      const seconds = 15;
      if (used + rate * seconds > queue.length) break;
      const result = await arrivals(base, queue.slice(used), rate, seconds);
      used += result.patients;
      const ok = result.p99 <= 250 && result.failures === 0;
      console.log(`    ${String(rate).padStart(3)} patients/s for ${seconds} s: p99 ${result.p99.toFixed(0)} ms, ${result.failures} failed ${ok ? "" : "← past capacity"}`);
      if (!ok) break;
      held = rate;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
    console.log(`  highest arrival rate held at p99 ≤ 250 ms with ${workers} worker(s): ${held} patients/s (${held * 60} a minute)`);
  } finally {
    await server.stop();
  }
}

export async function benchCapacity(serverUrl?: string) {
  ensureWrk();
  buildApp();
  const workers = serverUrl ? process.env.WEB_CONCURRENCY ?? "2" : "1";
  // CAPACITY_QUICK=1: the demo hospital's hot pages only (a minute or two), e.g. to compare a change.
  const quick = process.env.CAPACITY_QUICK === "1";
  for (const size of ["13 doctors (the demo hospital)", ...(quick ? [] : ["500 doctors, 100,000 appointments"])]) {
    const database = await newDatabase(serverUrl);
    let server: RunningServer | undefined;
    try {
      if (size.startsWith("500")) {
        const count = await growToHospital(database.handle.db, database.hash);
        console.log(`  (${count.toLocaleString("en")} appointments in the table)`);
      }
      server = await startServer({ ...database.serverEnv, WEB_CONCURRENCY: workers, RATE_LIMIT_SCALE: "10000" });
      await hotPages(`${size}, ${workers} worker(s)`, server.url.replace("localhost", "127.0.0.1"), database.handle.db, database.hash);
    } finally {
      await server?.stop();
      await database.drop();
    }
  }
  if (!serverUrl || quick) return;
  console.log("  arrivals (open loop: sign-in page, sign-in, room page, check-in), 100 doctors:");
  for (const count of [1, 2]) {
    const database = await newDatabase(serverUrl);
    try {
      await growToHospital(database.handle.db, database.hash);
      await highestRate(database.serverEnv, count, database.hash, database.handle.db);
    } finally {
      await database.drop();
    }
  }
}
