import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_DOCTORS, DEMO_PASSWORD } from "~db/demo-hospital";
import { DOCTOR_TITLES } from "~/domain/vocabulary";
import { CLINIC_ZONE, openConsultation } from "../helpers/consult-e2e";
import { formTargets, fuzzForms } from "../helpers/form-fuzz";
import { client, doctorSlotStarts } from "../helpers/http";
import { demoAdmin } from "../helpers/second-factor";
import { startServer, type RunningServer } from "../helpers/server";
import { createScratchDatabase } from "../helpers/database";

/*
 * A refused form changes nothing: after every request the app answers with a 4xx (or a redirect to sign
 * in), every table holds exactly the rows it held before — same number, same contents.
 *
 * Why here, on PostgreSQL: the proof has to read the database between two requests, from outside the
 * app. The shared end-to-end server keeps an embedded PGlite that only its own process may open, and the
 * pages are no substitute (sessions, passwords and the audit trail are shown nowhere; a test-only route
 * would be a hole in the app). So this file runs the production server on a scratch database of its own
 * and reads it directly with postgres.js.
 *
 * Contents, not just counts: a half-done change that updates a row (a status flipped before the check
 * that refuses) leaves the count alone. Each table's rows are hashed in a fixed order. `rate_limits` is
 * left out on purpose: counting refused attempts (failed sign-ins, bookings) is its job.
 *
 * The forms are not only garbage: values close to valid (real slot times, real ids, real intents, the
 * right password) get requests past parsing to the checks behind it — a taken slot, someone else's
 * appointment, a note already signed, an email already used — which is where a half-written change
 * would hide. Some of them succeed, so the state moves on during the run; each refusal is compared with
 * the state just before it.
 */
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let db: ReturnType<typeof postgres>;
let app: RunningServer;

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, "yz_e2e");
  execFileSync(path.resolve("node_modules/.bin/tsx"), ["db/seed.ts"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: scratch.url } });
  app = await startServer({ DATABASE_URL: scratch.url });
  db = postgres(scratch.url, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await db?.end();
  await app?.stop();
  await scratch?.drop();
});

/**
 * Each table's row count and a hash of all its rows. Three kinds of audit event are counted apart, since
 * a refusal rightly records them: a refused form posted from the consultation room is answered with the
 * room page again, and when that page shows the doctor their note and the patient's record, the viewings are recorded; a wrong
 * password at sign-in, and a wrong current password at a password change, are recorded as failures.
 */
const RECORDED_REFUSALS = ["note.viewed", "patient_record.viewed", "auth.sign_in_failed", "auth.password_change_failed"] as const;
async function snapshot(tables: string[]): Promise<Record<string, string | number>> {
  // An audit row's link into the chain (seq, prev_hash, hash) is written by the sealer a moment after its
  // commit, whoever sends what: it is left out, the rest of the row is compared.
  // The outbox's delivery worker moves a queued message on by itself (claimed, sent or kept here,
  // retried): its delivery columns are left out, and of its status only whether it was cancelled (which
  // a form may do) is compared.
  const row = (table: string) =>
    table === "audit_events"
      ? `(to_jsonb(r) - 'seq' - 'prev_hash' - 'hash')::text`
      : table === "outbox"
        ? `(to_jsonb(r) - 'status' - 'next_attempt_at' - 'attempts' - 'last_error' - 'recipient' - 'subject' - 'sent_at' - 'updated_at' || jsonb_build_object('cancelled', r.status = 'cancelled'))::text`
        : "r::text";
  const part = (label: string, table: string, where = "true") =>
    `select '${label}' as name, count(*)::int as rows, md5(coalesce(string_agg(${row(table)}, E'\\n' order by ${row(table)}), '')) as digest from "${table}" r where ${where}`;
  const apart = RECORDED_REFUSALS.map((a) => `'${a}'`).join(", ");
  const rows = await db.unsafe<{ name: string; rows: number; digest: string }[]>(
    tables
      .flatMap((t) =>
        t === "audit_events"
          ? [part(t, t, `action not in (${apart})`), ...RECORDED_REFUSALS.map((a) => part(a, t, `action = '${a}'`))]
          : [part(t, t)],
      )
      .join(" union all "),
  );
  return Object.fromEntries(
    rows.map((r) => [r.name, (RECORDED_REFUSALS as readonly string[]).includes(r.name) ? r.rows : `${r.rows} rows, ${r.digest}`]),
  );
}

describe("a refused form", () => {
  it("leaves every table as it was, whoever sends it and whatever it holds", async () => {
    const baseURL = app.url;
    const room = await openConsultation(baseURL);
    // Weekly hours of the room's own doctor too, for the forms that remove one.
    const today = new Date().toLocaleDateString("en-CA", { timeZone: CLINIC_ZONE });
    for (const weekday of ["1", "3", "5"]) {
      const added = await room.doctor.post("/doctor/availability", { intent: "addRule", weekday, start: "09:00", end: "12:00", slotMinutes: "15", effectiveFrom: today });
      expect(added.status).toBe(200);
    }
    const stranger = client(baseURL);
    await stranger.register(`stranger-${randomBytes(3).toString("hex")}@test.example`);
    const otherDoctor = client(baseURL);
    await otherDoctor.signIn(DEMO_DOCTORS[10]!.email, DEMO_PASSWORD);
    const staff = client(baseURL);
    await staff.signIn(DEMO_ACCOUNTS.staff.email, DEMO_PASSWORD);
    const adminUser = await demoAdmin(baseURL);

    const tables = (await db<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' and tablename <> 'rate_limits' order by 1`).map((r) => r.tablename);
    expect(tables).toEqual(expect.arrayContaining(["appointments", "audit_events", "consult_notes", "sessions", "users", "passwords", "availability_rules"]));
    const ids = async (query: Promise<{ id: string }[]>) => (await query).map((r) => r.id);
    const freeSlots = await doctorSlotStarts(baseURL, room.doctorId);
    // Mostly valid values, each list with one that is not: whole forms then pass parsing often enough.
    const anywhere: Record<string, readonly string[]> = {
      email: [DEMO_ACCOUNTS.patient.email, room.patientEmail, "fuzz-new@test.example", " Fuzz-New@Test.example ", "no-at-sign"],
      password: [DEMO_PASSWORD, room.patientPassword, "another good long password", "short"],
      fullName: ["Fuzz Person", "   "],
      nameEn: ["Fuzz Doctor", ""],
      timeZone: ["Asia/Shanghai", "America/Los_Angeles", "Mars/Olympus_Mons"],
      locale: ["en", "zh-CN", "fr"],
      redirectTo: ["/doctors", "//evil.example/", "https://evil.example/"],
      // Booking needs 5 to 500 characters, cancelling at least one.
      reason: ["Follow-up for the cough", "abc", "   ", "x".repeat(501)],
      symptoms: ["", "Fever at night"],
      // Few keys, so that a repeated booking replays an earlier one.
      idempotencyKey: ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "not-a-uuid"],
      role: ["doctor", "staff", "admin", "patient"],
      departmentId: [...(await ids(db`select id from departments limit 2`)), "00000000-0000-4000-8000-000000000004"],
      title: [...DOCTOR_TITLES, "wizard"],
      currentPassword: ["a good long password", "not the password"],
      newPassword: ["another good long password", "short"],
    };
    const booking = {
      start: [...freeSlots.slice(0, 3), room.startsAt, "2031-03-03T01:00:00.000Z", "2020-01-01T01:00:00.000Z", "2031-03-03 09:00"],
    };
    const roomIntents = { intent: ["checkIn", "admit", "end", "noShow", "join"] };
    const note = {
      intent: ["save", "sign", "addendum", "delete"],
      baseVersion: ["0", "1", "2", "1000001"],
      subjective: ["Dry cough for three days"],
      diagnosis: ["Acute bronchitis", ""],
      body: ["A later finding", "   "],
    };
    const hours = {
      intent: ["addRule", "removeRule", "removeException", "addTimeOff", "addExtra", "replaceAll"],
      weekday: ["1", "3", "7", "8"],
      start: ["09:00", "13:00", "24:00"],
      end: ["12:00", "17:00", "09:00"],
      slotMinutes: ["5", "30", "4"],
      effectiveFrom: ["2031-01-01", today, "2031-02-30"],
      effectiveUntil: ["", "2031-12-31", "2030-12-31"],
      startDate: [today, "2031-03-03", "2031-02-30"],
      endDate: ["", today, "2031-03-02"],
      startTime: ["09:00", "10:00", "", "24:00"],
      endTime: ["10:00", "12:00", "", "09:00"],
      note: ["Conference", "y".repeat(201)],
      id: [
        ...(await ids(db`select id from availability_rules where doctor_id = ${room.doctorId} limit 3`)),
        ...(await ids(db`select id from availability_exceptions limit 3`)),
        "00000000-0000-4000-8000-000000000003",
      ],
    };
    const pools = (path: string): Record<string, readonly string[]> => {
      if (path === "/doctor/availability") return hours;
      if (path.endsWith("/note")) return note;
      if (path.startsWith("/consult/")) return roomIntents;
      if (path.includes("/book?") || path.endsWith("/reschedule")) return booking;
      return {};
    };

    const sent = await fuzzForms({
      targets: formTargets(room, { anonymous: () => client(baseURL), stranger, otherDoctor, staff, admin: adminUser }),
      numRuns: 500,
      plausible: (path, field) => pools(path)[field] ?? anywhere[field],
      watch: {
        before: () => snapshot(tables),
        afterRejection: async (before, refused) => {
          // The answer shows the note (the notes panel is on the page) exactly when one viewing is added;
          // it says the password was wrong exactly when one failure is added.
          const more = (key: string, yes: boolean) => Number(before[key]) + (yes ? 1 : 0);
          const expected = {
            ...before,
            "note.viewed": more("note.viewed", refused.body.includes('id="notes-heading"')),
            // ... and the patient's record (their earlier visits) exactly when one record viewing is added.
            "patient_record.viewed": more("patient_record.viewed", refused.body.includes('id="history-heading"')),
            "auth.sign_in_failed": more("auth.sign_in_failed", refused.path === "/login" && refused.body.includes("The email or password is not correct.")),
            "auth.password_change_failed": more(
              "auth.password_change_failed",
              refused.path === "/account/password" && refused.body.includes("The current password is not correct."),
            ),
          };
          expect(await snapshot(tables), `${refused.what} changed the database`).toEqual(expected);
        },
      },
    });

    // Not vacuous: every form was refused many times, for many reasons, and some requests went through.
    const refused = sent.filter((s) => s.rejected);
    for (const target of new Set(sent.map((s) => s.path))) expect(refused.filter((s) => s.path === target).length, target).toBeGreaterThan(3);
    expect([...new Set(refused.map((s) => s.status))]).toEqual(expect.arrayContaining([302, 400, 403, 404, 409]));
    expect(sent.filter((s) => !s.rejected).length).toBeGreaterThan(0);
  });
});
