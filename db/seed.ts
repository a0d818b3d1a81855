/**
 * The demo hospital: departments, doctors, a staff member, an admin and a patient. Idempotent: running it
 * again changes nothing that is already there. `npm run seed` seeds whatever database the environment
 * names; the server seeds only a new embedded database on its own.
 */
import { pathToFileURL } from "node:url";
import { and, eq, gt, inArray, isNull, like, lt, or, sql } from "drizzle-orm";
import { createAccount } from "~/features/accounts/create-account.server";
import { countActiveAdmins } from "~/features/accounts/create-admin.server";
import { countDemoAccounts } from "~/features/accounts/demo-accounts.server";
import { hashPassword } from "~/features/auth/password.server";
import { ACTIVE_STATUSES, isActive } from "~/features/booking/appointment-policy";
import { loadSchedules } from "~/features/booking/availability.server";
import type { Interval } from "~/features/booking/slots";
import { newRoomName } from "~/features/consultation/room.server";
import { readEnv } from "~/utils/env.server";
import { openDatabase, type Db } from "./client.server";
import { DatabaseInUseError } from "./data-directory-lock";
import { DEMO_DAY_KEY_PREFIX, planDemoDay, STATUS_PROGRESS, type DemoDayDoctor, type PlannedAppointment } from "./demo-day";
import { DEMO_ACCOUNTS, DEMO_CASES, DEMO_DEPARTMENTS, DEMO_DOCTORS, DEMO_PASSWORD, DEMO_PATIENTS } from "./demo-hospital";
import { appointments, availabilityRules, clinicSettings, consultations, consultNotes, departments, doctors, users } from "./schema";
import { addDays, isoWeekday, localDateOf, zonedToInstant } from "~/utils/zoned-time";

export async function seedDemoHospital(db: Db): Promise<{ created: number }> {
  await db.insert(clinicSettings).values({ id: 1 }).onConflictDoNothing();

  await db
    .insert(departments)
    .values(DEMO_DEPARTMENTS.map((d, index) => ({ ...d, sortOrder: index })))
    .onConflictDoNothing({ target: departments.code });
  const departmentRows = await db.select({ id: departments.id, code: departments.code }).from(departments);
  const departmentId = new Map(departmentRows.map((d) => [d.code, d.id]));

  const make = await demoAccountMaker(db);
  for (const role of ["admin", "staff", "patient"] as const) {
    const account = DEMO_ACCOUNTS[role];
    await make({ email: account.email, displayName: account.displayName, role });
  }
  for (const d of DEMO_DOCTORS) {
    const id = departmentId.get(d.department);
    if (!id) throw new Error(`department ${d.department} is missing`);
    await make(
      { email: d.email, displayName: d.nameZh, role: "doctor" },
      {
        departmentId: id,
        nameZh: d.nameZh,
        nameEn: d.nameEn,
        title: d.title,
        specialties: d.specialties,
        languages: d.languages,
        bioZh: d.bioZh,
        bioEn: d.bioEn,
        defaultConsultationMinutes: d.minutes,
      },
    );
  }
  for (const p of DEMO_PATIENTS) await make({ email: p.email, displayName: p.displayName, role: "patient" });
  await seedDemoHours(db);
  return { created: make.created() };
}

type DemoAccount = Omit<Parameters<typeof createAccount>[1], "password" | "passwordHash">;

/**
 * Makes the demo accounts that are missing, all with the demo password: hashed once (argon2id is slow on
 * purpose, and sixty accounts would hash it sixty times at every new database).
 */
async function demoAccountMaker(db: Db) {
  const wanted = [...Object.values(DEMO_ACCOUNTS).map((a) => a.email), ...DEMO_DOCTORS.map((d) => d.email), ...DEMO_PATIENTS.map((p) => p.email)];
  const existing = new Set(
    (await db.select({ email: users.email }).from(users).where(inArray(users.email, wanted))).map((u) => u.email),
  );
  let passwordHash: Promise<string> | undefined;
  let created = 0;
  const make = async (account: DemoAccount, doctorProfile?: Parameters<typeof createAccount>[2]) => {
    if (existing.has(account.email)) return;
    passwordHash ??= hashPassword(DEMO_PASSWORD);
    await createAccount(db, { ...account, password: DEMO_PASSWORD, passwordHash: await passwordHash }, doctorProfile);
    existing.add(account.email);
    created++;
  };
  return Object.assign(make, { created: () => created });
}

/**
 * Weekly hours for every demo doctor without any: weekday mornings and afternoons in slots of the
 * doctor's consultation length, some on Saturday mornings and some with an evening clinic.
 */
async function seedDemoHours(db: Db) {
  const [settings] = await db.select().from(clinicSettings);
  // From this week's Monday: the demo day fills the week's days gone by too.
  const monday = mondayOf(localDateOf(new Date(), settings?.timeZone ?? "Asia/Shanghai"));
  const all = await db.select({ id: doctors.id, minutes: doctors.defaultConsultationMinutes }).from(doctors);
  const withRules = new Set(
    (await db.selectDistinct({ id: availabilityRules.doctorId }).from(availabilityRules)).map((r) => r.id),
  );
  const rows: (typeof availabilityRules.$inferInsert)[] = [];
  all.forEach((doctor, index) => {
    if (withRules.has(doctor.id)) return;
    const sessions: [number, string, string][] = [];
    for (let weekday = 1; weekday <= 5; weekday++) {
      sessions.push([weekday, "08:30", "11:30"], [weekday, "14:00", "17:00"]);
      if (index % 3 === 0 && weekday % 2 === 1) sessions.push([weekday, "18:30", "20:30"]);
    }
    if (index % 2 === 0) sessions.push([6, "09:00", "12:00"]);
    for (const [weekday, startTime, endTime] of sessions) {
      rows.push({ doctorId: doctor.id, weekday, startTime, endTime, slotMinutes: doctor.minutes, effectiveFrom: monday });
    }
  });
  if (rows.length) await db.insert(availabilityRules).values(rows);
}

/**
 * Gives the demo patient an appointment with the demo doctor whose consultation room is open now, so
 * that a newcomer can hold a call in two browser windows right after `npm start`. Does nothing if one
 * is already open.
 */
export async function ensureDemoConsultation(db: Db, now = new Date()): Promise<string | null> {
  const [patient] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ACCOUNTS.patient.email));
  const [doctor] = await db
    .select({ id: doctors.id, minutes: doctors.defaultConsultationMinutes })
    .from(doctors)
    .innerJoin(users, eq(users.id, doctors.userId))
    .where(eq(users.email, DEMO_ACCOUNTS.doctor.email));
  if (!patient || !doctor) return null;
  const open = await db
    .select({ id: appointments.id })
    .from(appointments)
    .where(
      and(
        eq(appointments.patientId, patient.id),
        eq(appointments.doctorId, doctor.id),
        inArray(appointments.status, [...ACTIVE_STATUSES]),
        gt(appointments.endsAt, new Date(now.getTime() + 10 * 60_000)),
        lt(appointments.startsAt, new Date(now.getTime() + 10 * 60_000)),
      ),
    );
  if (open[0]) return open[0].id;
  // Start at the next five minutes; step on if the doctor or the patient is busy then. The demo day's
  // bookings of the doctor at that time give way first (cancelled, they hold no time): this appointment
  // is the one a newcomer came for.
  const step = 5 * 60_000;
  let start = Math.ceil(now.getTime() / step) * step;
  await db
    .update(appointments)
    .set({ status: "cancelled", cancelledAt: now, cancellationReason: DEMO_GAVE_WAY, sequence: sql`${appointments.sequence} + 1`, updatedAt: now })
    .where(
      and(
        eq(appointments.doctorId, doctor.id),
        eq(appointments.status, "booked"),
        like(appointments.idempotencyKey, `${DEMO_DAY_KEY_PREFIX}%`),
        lt(appointments.startsAt, new Date(start + doctor.minutes * 60_000)),
        gt(appointments.endsAt, new Date(start)),
      ),
    );
  for (let attempt = 0; attempt < 12; attempt++, start += step) {
    const [row] = await db
      .insert(appointments)
      .values({
        patientId: patient.id,
        doctorId: doctor.id,
        startsAt: new Date(start),
        endsAt: new Date(start + doctor.minutes * 60_000),
        reason: "演示问诊：咳嗽三天 · Demo consultation: cough for three days",
        idempotencyKey: `demo-consultation-${start}`,
      })
      .onConflictDoNothing()
      .returning({ id: appointments.id });
    if (row) return row.id;
  }
  return null;
}

const DEMO_GAVE_WAY = "医生时间调整 · The doctor's time was changed";
const DEMO_CHANGE_OF_PLANS = "行程有变 · Change of plans";

/**
 * The demo hospital's clinic days: this week's days gone by, today and the six days after it, as `planDemoDay` plans them at
 * `now`, written through the database (its constraints decide: a slot someone else holds stays theirs).
 * Idempotent: a second run at the same time changes nothing; a later one (a restart, the next day) adds
 * the bookings the nearer days gain and moves the seeded appointments on with the clock (a booked one
 * whose time has passed is completed or a no-show), never back and never one a person has changed.
 */
export async function ensureDemoDays(db: Db, now = new Date(), days = 7): Promise<{ created: number; moved: number }> {
  const [settings] = await db.select({ timeZone: clinicSettings.timeZone }).from(clinicSettings);
  const timeZone = settings?.timeZone ?? "Asia/Shanghai";
  const today = localDateOf(now, timeZone);
  const first = mondayOf(today);
  const last = addDays(today, days - 1);
  const from = zonedToInstant(first, 0, timeZone);
  const until = zonedToInstant(addDays(last, 1), 0, timeZone);

  const make = await demoAccountMaker(db);
  for (const p of DEMO_PATIENTS) await make({ email: p.email, displayName: p.displayName, role: "patient" }); // a demo database seeded before they existed
  const patientRows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.email, DEMO_PATIENTS.map((p) => p.email)), isNull(users.deactivatedAt)));
  const doctorRows = await db
    .select({ id: doctors.id, userId: doctors.userId, email: users.email, department: departments.code })
    .from(doctors)
    .innerJoin(users, eq(users.id, doctors.userId))
    .innerJoin(departments, eq(departments.id, doctors.departmentId))
    .where(and(inArray(users.email, DEMO_DOCTORS.map((d) => d.email)), isNull(users.deactivatedAt)));
  if (patientRows.length === 0 || doctorRows.length === 0) return { created: 0, moved: 0 };
  const patientIds = patientRows.map((p) => p.id);
  const schedules = await loadSchedules(db, doctorRows.map((d) => d.id), from, until, { withBusy: false });

  const rows = await db
    .select({
      id: appointments.id,
      doctorId: appointments.doctorId,
      patientId: appointments.patientId,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
      status: appointments.status,
      idempotencyKey: appointments.idempotencyKey,
    })
    .from(appointments)
    .where(
      and(
        lt(appointments.startsAt, until),
        gt(appointments.endsAt, from),
        or(inArray(appointments.doctorId, doctorRows.map((d) => d.id)), inArray(appointments.patientId, patientIds)),
      ),
    );
  const own = new Map(rows.filter((r) => r.idempotencyKey.startsWith(DEMO_DAY_KEY_PREFIX)).map((r) => [r.idempotencyKey, r]));
  const heldBy = (key: "doctorId" | "patientId") => {
    const held = new Map<string, Interval[]>();
    for (const r of rows) {
      if (r.status === "cancelled" || own.has(r.idempotencyKey)) continue;
      held.set(r[key], [...(held.get(r[key]) ?? []), { start: r.startsAt, end: r.endsAt }]);
    }
    return held;
  };
  const doctorBusy = heldBy("doctorId");
  const patientBusy = heldBy("patientId");
  const demoDoctors: DemoDayDoctor[] = doctorRows.map((d) => ({
    id: d.id,
    userId: d.userId,
    key: d.email,
    rules: schedules.get(d.id)?.rules ?? [],
    exceptions: schedules.get(d.id)?.exceptions ?? [],
    busy: doctorBusy.get(d.id) ?? [],
    cases: DEMO_CASES[d.department as keyof typeof DEMO_CASES] ?? DEMO_CASES.respiratory,
    quiet: d.email === DEMO_ACCOUNTS.doctor.email,
  }));

  const fresh: PlannedAppointment[] = [];
  const later: { id: string; from: PlannedAppointment["status"]; plan: PlannedAppointment }[] = [];
  const assigned = new Map([...own].map(([key, r]) => [key, r.patientId]));
  for (let date = first; date <= last; date = addDays(date, 1)) {
    for (const plan of planDemoDay({ date, today, now, timeZone, doctors: demoDoctors, patients: patientIds, patientBusy, assigned })) {
      const existing = own.get(plan.idempotencyKey);
      if (!existing) fresh.push(plan);
      else if (
        isActive(existing.status) &&
        existing.startsAt.getTime() === plan.startsAt.getTime() &&
        existing.patientId === plan.patientId &&
        STATUS_PROGRESS[existing.status] < STATUS_PROGRESS[plan.status]
      ) {
        later.push({ id: existing.id, from: existing.status, plan });
      }
    }
  }

  return db.transaction(async (tx) => {
    const written: { id: string; plan: PlannedAppointment }[] = [];
    const byKey = new Map(fresh.map((p) => [`${p.patientId}|${p.idempotencyKey}`, p]));
    for (let i = 0; i < fresh.length; i += 200) {
      const inserted = await tx
        .insert(appointments)
        .values(
          fresh.slice(i, i + 200).map((p) => ({
            patientId: p.patientId,
            doctorId: p.doctorId,
            startsAt: p.startsAt,
            endsAt: p.endsAt,
            status: p.status,
            reason: p.reason,
            idempotencyKey: p.idempotencyKey,
            createdAt: p.createdAt,
            updatedAt: p.updatedAt,
            ...cancellation(p),
          })),
        )
        // A slot someone took meanwhile (or a patient's own booking at that time) stays theirs.
        .onConflictDoNothing()
        .returning({ id: appointments.id, patientId: appointments.patientId, idempotencyKey: appointments.idempotencyKey });
      for (const row of inserted) written.push({ id: row.id, plan: byKey.get(`${row.patientId}|${row.idempotencyKey}`)! });
    }
    let moved = 0;
    for (const { id, from: status, plan } of later) {
      const [row] = await tx
        .update(appointments)
        .set({ status: plan.status, updatedAt: plan.updatedAt, ...cancellation(plan) })
        .where(and(eq(appointments.id, id), eq(appointments.status, status)))
        .returning({ id: appointments.id });
      if (!row) continue;
      written.push({ id, plan });
      moved++;
    }
    const visits = written.filter((w) => w.plan.consultation);
    for (let i = 0; i < visits.length; i += 200) {
      await tx
        .insert(consultations)
        .values(visits.slice(i, i + 200).map(({ id, plan }) => ({ appointmentId: id, roomName: newRoomName(), ...plan.consultation!, updatedAt: plan.updatedAt })))
        .onConflictDoUpdate({
          target: consultations.appointmentId,
          set: { checkedInAt: sql`excluded.checked_in_at`, admittedAt: sql`excluded.admitted_at`, endedAt: sql`excluded.ended_at`, updatedAt: sql`excluded.updated_at` },
        });
    }
    const notes = written.filter((w) => w.plan.note);
    for (let i = 0; i < notes.length; i += 200) {
      await tx
        .insert(consultNotes)
        .values(
          notes.slice(i, i + 200).map(({ id, plan }) => {
            const note = plan.note!;
            return { appointmentId: id, authorId: note.authorId, ...note.fields, signedAt: note.signedAt, signedBy: note.authorId, createdAt: plan.updatedAt, updatedAt: note.signedAt };
          }),
        )
        // A note the doctor began themselves is theirs.
        .onConflictDoNothing();
    }
    return { created: written.length - moved, moved };
  });
}

/** The Monday of a date's week (ISO weeks, as the board's week view shows them). */
const mondayOf = (date: string) => addDays(date, 1 - isoWeekday(date));

/** The cancellation columns of a planned appointment (the patient cancelled it). */
function cancellation(plan: PlannedAppointment) {
  return plan.status === "cancelled"
    ? { cancelledAt: plan.cancelledAt, cancelledBy: plan.patientId, cancellationReason: DEMO_CHANGE_OF_PLANS, sequence: 1 }
    : {};
}

/**
 * What the server prepares in a demo database at start: the demo patient's open consultation first
 * (the demo day then books around it), then the demo days. A failure is logged; the server serves on.
 */
export async function prepareDemoHospital(db: Db, now = new Date()) {
  await ensureDemoConsultation(db, now).catch((error: unknown) => console.error("demo consultation:", error));
  await ensureDemoDays(db, now).catch((error: unknown) => console.error("demo day:", error));
}

/** True when demo accounts can sign in here: the server then prints how, with the banner's warning. */
export async function hasDemoHospital(db: Db): Promise<boolean> {
  return (await countDemoAccounts(db)) > 0;
}

/** On a database without an active admin (a hospital's new deployment): how to make the first one. */
export async function firstAdminHint(db: Db): Promise<string | null> {
  if ((await countActiveAdmins(db)) > 0) return null;
  return "No admin account yet: stop the server if it uses the embedded database, then run `npm run create-admin`.";
}

/** How to sign in to the demo hospital, printed only where its accounts exist, with a warning. */
export function demoCredentialsText(): string {
  const rows = [
    ["patient", DEMO_ACCOUNTS.patient.email],
    ["doctor", DEMO_ACCOUNTS.doctor.email],
    ["staff", DEMO_ACCOUNTS.staff.email],
    ["admin", DEMO_ACCOUNTS.admin.email],
  ];
  return [
    "WARNING: this database holds the DEMO accounts, whose password is published. Every page says so in a",
    "banner. Never use it for real patients; a hospital's own deployment starts without them (see the README).",
    `Demo accounts (password for all: ${DEMO_PASSWORD}):`,
    ...rows.map(([role, email]) => `  ${role!.padEnd(8)} ${email}`),
    "The admin sets up an authenticator app (two-step sign-in) at its first sign-in.",
    "Try a call: sign in as the patient in one browser window and as the doctor in another (a private",
    "window), open the appointment under \"My appointments\" and \"Today\", and join the consultation.",
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = readEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, ownerUrl: env.DATABASE_OWNER_URL, pgliteDir: env.PGLITE_DIR }).catch((error: unknown) => {
    if (!(error instanceof DatabaseInUseError)) throw error;
    console.error(error.message);
    process.exit(1);
  });
  const { created } = await seedDemoHospital(handle.db);
  console.log(`Seeded the demo hospital into ${handle.driver}: ${created} accounts created.`);
  console.log(demoCredentialsText());
  await handle.close();
}
