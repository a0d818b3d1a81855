/**
 * The demo hospital: departments, doctors, a staff member, an admin and a patient. Idempotent: running it
 * again changes nothing that is already there. `npm run seed` seeds whatever database the environment
 * names; the server seeds only a new embedded database on its own.
 */
import { pathToFileURL } from "node:url";
import { and, eq, gt, inArray, lt } from "drizzle-orm";
import { createAccount } from "~/features/accounts/create-account.server";
import { countActiveAdmins } from "~/features/accounts/create-admin.server";
import { countDemoAccounts } from "~/features/accounts/demo-accounts.server";
import { ACTIVE_STATUSES } from "~/features/booking/appointment-policy";
import { readEnv } from "~/utils/env.server";
import { openDatabase, type Db } from "./client.server";
import { DatabaseInUseError } from "./data-directory-lock";
import { DEMO_ACCOUNTS, DEMO_DEPARTMENTS, DEMO_DOCTORS, DEMO_PASSWORD } from "./demo-hospital";
import { appointments, availabilityRules, clinicSettings, departments, doctors, users } from "./schema";
import { localDateOf } from "~/utils/zoned-time";

export async function seedDemoHospital(db: Db): Promise<{ created: number }> {
  await db.insert(clinicSettings).values({ id: 1 }).onConflictDoNothing();

  await db
    .insert(departments)
    .values(DEMO_DEPARTMENTS.map((d, index) => ({ ...d, sortOrder: index })))
    .onConflictDoNothing({ target: departments.code });
  const departmentRows = await db.select({ id: departments.id, code: departments.code }).from(departments);
  const departmentId = new Map(departmentRows.map((d) => [d.code, d.id]));

  const wanted = [
    ...Object.values(DEMO_ACCOUNTS).map((a) => a.email),
    ...DEMO_DOCTORS.map((d) => d.email),
  ];
  const existing = new Set(
    (await db.select({ email: users.email }).from(users).where(inArray(users.email, wanted))).map((u) => u.email),
  );
  let created = 0;
  const make = async (...args: Parameters<typeof createAccount> extends [Db, ...infer R] ? R : never) => {
    if (existing.has(args[0].email)) return;
    await createAccount(db, ...args);
    created++;
  };

  for (const role of ["admin", "staff", "patient"] as const) {
    const account = DEMO_ACCOUNTS[role];
    await make({ email: account.email, password: DEMO_PASSWORD, displayName: account.displayName, role });
  }
  for (const d of DEMO_DOCTORS) {
    const id = departmentId.get(d.department);
    if (!id) throw new Error(`department ${d.department} is missing`);
    await make(
      { email: d.email, password: DEMO_PASSWORD, displayName: d.nameZh, role: "doctor" },
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
  await seedDemoHours(db);
  return { created };
}

/**
 * Weekly hours for every demo doctor without any: weekday mornings and afternoons in slots of the
 * doctor's consultation length, some on Saturday mornings and some with an evening clinic.
 */
async function seedDemoHours(db: Db) {
  const [settings] = await db.select().from(clinicSettings);
  const today = localDateOf(new Date(), settings?.timeZone ?? "Asia/Shanghai");
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
      rows.push({ doctorId: doctor.id, weekday, startTime, endTime, slotMinutes: doctor.minutes, effectiveFrom: today });
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
  // Start at the next five minutes; step on if the doctor or the patient is busy then.
  const step = 5 * 60_000;
  let start = Math.ceil(now.getTime() / step) * step;
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
