import { and, asc, eq, like, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appointments, auditEvents, sessions, users } from "~db/schema";
import { DEMO_ACCOUNTS } from "~db/demo-hospital";
import { setAccountActive } from "~/features/accounts/activation.server";
import { createAccount } from "~/features/accounts/create-account.server";
import { createAdminAccount } from "~/features/accounts/create-admin.server";
import { forgetDemoAccounts, holdsDemoAccounts } from "~/features/accounts/demo-accounts.server";
import { authenticate, startSession } from "~/features/auth/session.server";
import { signIn } from "~/features/auth/sign-in.server";
import { ForbiddenError } from "~/utils/errors";
import { LIMITS, PLAIN_COOKIES, SESSION_COOKIE } from "../helpers/config";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser, TEST_PASSWORD } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const admin = async () => ({ id: (await makeUser(db(), "admin")).id, role: "admin" as const, secondFactorVerified: true });
const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;
/** The account's administration in the trail (its sign-ins and sign-outs are recorded too), in order. */
const eventsAbout = (entityId: string) =>
  db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, entityId), like(auditEvents.action, "account.%")))
    .orderBy(asc(auditEvents.seq));

describe("creating an account at /admin/users", () => {
  it("records who created which account with which role, in the same transaction", async () => {
    const actor = await admin();
    const { userId } = await createAccount(
      db(),
      { email: "second.admin@test.example", password: TEST_PASSWORD, displayName: "Second Admin", role: "admin" },
      undefined,
      { actorId: actor.id, clientAddress: "10.1.1.1", via: "admin_users" },
    );
    const [event] = await eventsAbout(userId);
    expect(event).toMatchObject({
      actorId: actor.id,
      action: "account.created",
      entityType: "user",
      entityId: userId,
      clientAddress: "10.1.1.1",
      detail: { role: "admin", via: "admin_users" },
    });
  });
});

describe("npm run create-admin", () => {
  it("creates the first admin of an empty database, audited with no actor, and refuses a second unless forced", async () => {
    const first = await createAdminAccount(db(), { email: " Head.IT@Hospital.example ", fullName: "Head of IT", password: TEST_PASSWORD }, { force: false });
    expect(first).toMatchObject({ ok: true, email: "head.it@hospital.example" });
    if (!first.ok) return;
    const [event] = await eventsAbout(first.userId);
    expect(event).toMatchObject({ actorId: null, action: "account.created", detail: { role: "admin", via: "create_admin" } });
    expect(await signIn(db(), { email: "head.it@hospital.example", password: TEST_PASSWORD, clientAddress: "10.0.0.1" }, LIMITS)).toMatchObject({ ok: true, role: "admin", secondFactor: false });

    expect(await createAdminAccount(db(), { email: "deputy@hospital.example", fullName: "Deputy", password: TEST_PASSWORD }, { force: false })).toEqual({ ok: false, reason: "admin_exists" });
    expect((await createAdminAccount(db(), { email: "deputy@hospital.example", fullName: "Deputy", password: TEST_PASSWORD }, { force: true })).ok).toBe(true);
    expect(await createAdminAccount(db(), { email: "deputy@hospital.example", fullName: "Again", password: TEST_PASSWORD }, { force: true })).toEqual({ ok: false, reason: "email_taken" });
  });

  it("refuses a short password or a bad email, naming the field, and creates nothing", async () => {
    const result = await createAdminAccount(db(), { email: "not-an-email", fullName: "", password: "short" }, { force: false });
    expect(result).toEqual({ ok: false, reason: "invalid", fields: { email: "error.emailInvalid", fullName: "error.fullNameRequired", password: "error.passwordTooShort" } });
    expect(await db().select().from(users)).toHaveLength(0);
  });
});

describe("deactivating an account", () => {
  it("ends all its sessions in the same transaction, keeps its appointments, and is audited", async () => {
    const actor = await admin();
    const doctor = await makeDoctor(db());
    const patient = await makeUser(db());
    const [appointment] = await db()
      .insert(appointments)
      .values({ patientId: patient.id, doctorId: doctor.id, startsAt: new Date("2031-03-03T01:00:00Z"), endsAt: new Date("2031-03-03T01:15:00Z"), reason: "Cough for three days", idempotencyKey: "k" })
      .returning();
    const laptop = cookieOf(await startSession(db(), doctor.userId, null, "password", PLAIN_COOKIES));
    const phone = cookieOf(await startSession(db(), doctor.userId, null, "password", PLAIN_COOKIES));

    expect(await setAccountActive(db(), actor, { userId: doctor.userId, active: false }, "10.1.1.1")).toBe(true);
    expect(await db().select().from(sessions).where(eq(sessions.userId, doctor.userId))).toHaveLength(0);
    expect((await authenticate(db(), laptop, PLAIN_COOKIES)).user).toBeNull();
    expect((await authenticate(db(), phone, PLAIN_COOKIES)).user).toBeNull();
    expect((await db().select().from(appointments).where(eq(appointments.id, appointment!.id)))[0]).toEqual(appointment);
    const [event] = await eventsAbout(doctor.userId);
    expect(event).toMatchObject({ actorId: actor.id, action: "account.deactivated", entityType: "user", detail: { role: "doctor" } });
    expect(await setAccountActive(db(), actor, { userId: doctor.userId, active: false }, null)).toBe(false);
  });

  it("refuses sign-in: 'deactivated' only after the right password, the usual answer after a wrong one", async () => {
    const actor = await admin();
    const staff = await makeUser(db(), "staff");
    await setAccountActive(db(), actor, { userId: staff.id, active: false }, null);
    expect(await signIn(db(), { email: staff.email, password: "not the password", clientAddress: "10.0.0.1" }, LIMITS)).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(db(), { email: staff.email, password: TEST_PASSWORD, clientAddress: "10.0.0.1" }, LIMITS)).toEqual({ ok: false, reason: "deactivated" });

    await setAccountActive(db(), actor, { userId: staff.id, active: true }, null);
    expect(await signIn(db(), { email: staff.email, password: TEST_PASSWORD, clientAddress: "10.0.0.1" }, LIMITS)).toMatchObject({ ok: true });
    expect((await eventsAbout(staff.id)).map((e) => e.action)).toEqual(["account.deactivated", "account.reactivated"]);
  });

  it("also ends a session that was started while the deactivation committed", async () => {
    const actor = await admin();
    const staff = await makeUser(db(), "staff");
    await setAccountActive(db(), actor, { userId: staff.id, active: false }, null);
    // A sign-in that had checked the password just before: its session lands after the deactivation.
    const late = cookieOf(await startSession(db(), staff.id, null, "password", PLAIN_COOKIES));
    const auth = await authenticate(db(), late, PLAIN_COOKIES);
    expect(auth.user).toBeNull();
    expect(auth.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
  });

  it("is for an admin, on doctor and staff accounts only: never an admin, a patient or oneself", async () => {
    const actor = await admin();
    const other = await makeUser(db(), "admin");
    const patient = await makeUser(db());
    const staff = await makeUser(db(), "staff");
    for (const userId of [other.id, patient.id, actor.id]) {
      await expect(setAccountActive(db(), actor, { userId, active: false }, null)).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(setAccountActive(db(), { id: staff.id, role: "staff", secondFactorVerified: false }, { userId: (await makeDoctor(db())).userId, active: false }, null)).rejects.toBeInstanceOf(ForbiddenError);
    const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(users).where(sql`${users.deactivatedAt} is not null`);
    expect(row?.n).toBe(0);
  });
});

describe("the demo banner's answer", () => {
  it("is true while an active demo account exists, and is kept rather than asked again on every page", async () => {
    expect(await holdsDemoAccounts(db())).toBe(false);
    const { userId } = await createAccount(db(), { email: DEMO_ACCOUNTS.staff.email, password: TEST_PASSWORD, displayName: "Demo staff", role: "staff" });
    // Kept: the next pages do not query again (30 s), so they still say no.
    expect(await holdsDemoAccounts(db())).toBe(false);
    forgetDemoAccounts(db());
    await holdsDemoAccounts(db()); // answers the kept value while it asks again
    await expect.poll(() => holdsDemoAccounts(db())).toBe(true);

    await setAccountActive(db(), await admin(), { userId, active: false }, null);
    await holdsDemoAccounts(db());
    await expect.poll(() => holdsDemoAccounts(db())).toBe(false);
    const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(users).where(and(eq(users.id, userId), sql`${users.deactivatedAt} is not null`));
    expect(row?.n).toBe(1);
  });
});
