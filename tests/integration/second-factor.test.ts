import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, recoveryCodes, secondFactors, sessions } from "~db/schema";
import { newTotpSecret } from "~/features/auth/second-factor-codes.server";
import { disableSecondFactor, enableSecondFactor, finishSignIn, resetSecondFactor } from "~/features/auth/second-factor.server";
import { authenticate, SECOND_FACTOR_STEP_MS, startSession } from "~/features/auth/session.server";
import { signIn } from "~/features/auth/sign-in.server";
import { LIMITS, PLAIN_COOKIES, SESSION_COOKIE } from "../helpers/config";
import { useTestDatabase } from "../helpers/database";
import { makeDoctor, makeUser, TEST_PASSWORD } from "../helpers/factories";
import { codeAt } from "../helpers/second-factor";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;

/** A doctor with a second factor turned on: their secret, recovery codes and the enrolling session. */
async function enrolledDoctor(now = new Date()) {
  const doctor = await makeDoctor(db());
  const cookie = cookieOf(await startSession(db(), doctor.userId, null, "password", PLAIN_COOKIES));
  const auth = await authenticate(db(), cookie, PLAIN_COOKIES);
  const secret = newTotpSecret();
  const result = await enableSecondFactor(
    db(),
    { id: doctor.userId, role: "doctor", sessionId: auth.sessionId! },
    { secret, code: codeAt(secret, now.getTime()) },
    "10.0.0.1",
    now,
  );
  if (!result.ok) throw new Error(`enrolment failed: ${result.reason}`);
  return { ...doctor, secret, recoveryCodes: result.recoveryCodes, cookie };
}

/** Signs in with the password: the pending session's cookie. */
async function passwordStep(email: string) {
  const result = await signIn(db(), { email, password: TEST_PASSWORD, clientAddress: "10.0.0.1" }, LIMITS);
  expect(result).toMatchObject({ ok: true, secondFactor: true });
  if (!result.ok) throw new Error("unreachable");
  const setCookie = await startSession(db(), result.userId, null, "awaiting_second_factor", PLAIN_COOKIES);
  return cookieOf(setCookie);
}

const actions = async (userId: string) =>
  (await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.entityId, userId))).map((r) => r.action);

describe("turning on a second factor", () => {
  it("needs a code of the new secret; then keeps only hashes of ten recovery codes and signs the other sessions out", async () => {
    const doctor = await makeDoctor(db());
    const elsewhere = cookieOf(await startSession(db(), doctor.userId, null, "password", PLAIN_COOKIES));
    const here = cookieOf(await startSession(db(), doctor.userId, null, "password", PLAIN_COOKIES));
    const sessionId = (await authenticate(db(), here, PLAIN_COOKIES)).sessionId!;
    const secret = newTotpSecret();
    const user = { id: doctor.userId, role: "doctor" as const, sessionId };
    const wrong = String((Number(codeAt(secret, Date.now())) + 1) % 1_000_000).padStart(6, "0");
    expect(await enableSecondFactor(db(), user, { secret, code: wrong }, null)).toEqual({ ok: false, reason: "wrong_code" });
    expect(await db().select().from(secondFactors)).toHaveLength(0);

    const result = await enableSecondFactor(db(), user, { secret, code: codeAt(secret, Date.now()) }, null);
    expect(result.ok).toBe(true);
    const codes = result.ok ? result.recoveryCodes : [];
    expect(codes).toHaveLength(10);
    const stored = await db().select({ codeHash: recoveryCodes.codeHash }).from(recoveryCodes).where(eq(recoveryCodes.userId, doctor.userId));
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, "").slice(0, 8));

    expect((await authenticate(db(), elsewhere, PLAIN_COOKIES)).user).toBeNull();
    expect((await authenticate(db(), here, PLAIN_COOKIES)).user).toMatchObject({ id: doctor.userId, secondFactorVerified: true });
    expect(await actions(doctor.userId)).toContain("second_factor.enabled");
  });

  it("is refused to staff and patients", async () => {
    const staff = await makeUser(db(), "staff");
    const secret = newTotpSecret();
    const result = await enableSecondFactor(db(), { id: staff.id, role: "staff", sessionId: "x" }, { secret, code: codeAt(secret, Date.now()) }, null);
    expect(result).toEqual({ ok: false, reason: "not_allowed" });
  });
});

describe("signing in with a second factor", () => {
  it("is not signed in after the password alone: the pending session opens no page", async () => {
    const doctor = await enrolledDoctor();
    const pending = await passwordStep(doctor.email);
    const auth = await authenticate(db(), pending, PLAIN_COOKIES);
    expect(auth.user).toBeNull();
    expect(auth.pendingSecondFactor?.userId).toBe(doctor.userId);
  });

  it("accepts the right code, then replaces the pending session by a new signed-in one", async () => {
    const doctor = await enrolledDoctor(new Date(Date.now() - 60_000));
    const pending = await passwordStep(doctor.email);
    const result = await finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code: codeAt(doctor.secret, Date.now()), cookieHeader: pending, clientAddress: null });
    expect(result).toMatchObject({ ok: true, role: "doctor" });
    if (!result.ok) return;
    expect(cookieOf(result.setCookie)).not.toBe(pending);
    expect((await authenticate(db(), pending, PLAIN_COOKIES)).pendingSecondFactor).toBeNull();
    expect((await authenticate(db(), cookieOf(result.setCookie), PLAIN_COOKIES)).user).toMatchObject({ id: doctor.userId, secondFactorVerified: true });
  });

  it("accepts a code once: the same code at once again, even from four requests at the same moment, signs in once", async () => {
    const doctor = await enrolledDoctor(new Date(Date.now() - 60_000));
    const code = codeAt(doctor.secret, Date.now());
    const pendings = await Promise.all(Array.from({ length: 4 }, () => passwordStep(doctor.email)));
    const results = await Promise.all(
      pendings.map((cookieHeader) => finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code, cookieHeader, clientAddress: null })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(["wrong_code", "wrong_code", "wrong_code"]);
  });

  it("refuses a code from the enrolment's own step: enrolling used it", async () => {
    const now = new Date();
    const doctor = await enrolledDoctor(now);
    const pending = await passwordStep(doctor.email);
    const again = await finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code: codeAt(doctor.secret, now.getTime()), cookieHeader: pending, clientAddress: null }, now);
    expect(again).toEqual({ ok: false, reason: "wrong_code" });
  });

  it("accepts each recovery code once, typed in any case and grouping, and audits its use", async () => {
    const doctor = await enrolledDoctor();
    const code = doctor.recoveryCodes[3]!;
    const typed = code.toUpperCase().replace(/-/g, " ");
    const first = await finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code: typed, cookieHeader: await passwordStep(doctor.email), clientAddress: "10.0.0.9" });
    expect(first.ok).toBe(true);
    const second = await finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code, cookieHeader: await passwordStep(doctor.email), clientAddress: null });
    expect(second).toEqual({ ok: false, reason: "wrong_code" });
    const [left] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, doctor.userId), sql`${recoveryCodes.usedAt} is null`));
    expect(left?.n).toBe(9);
    expect(await actions(doctor.userId)).toContain("second_factor.recovery_code_used");
  });

  it("counts every try before looking at it: the sixth in five minutes is refused even when right, and a success clears the count", async () => {
    const doctor = await enrolledDoctor(new Date(Date.now() - 60_000));
    const pending = await passwordStep(doctor.email);
    const tries = await Promise.all(
      Array.from({ length: 5 }, () => finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code: "000000", cookieHeader: pending, clientAddress: null })),
    );
    expect(tries.every((t) => !t.ok && t.reason === "wrong_code")).toBe(true);
    const right = await finishSignIn(db(), { userId: doctor.userId }, { ...PLAIN_COOKIES, code: codeAt(doctor.secret, Date.now()), cookieHeader: pending, clientAddress: null });
    expect(right).toMatchObject({ ok: false, reason: "rate_limited" });

    const other = await enrolledDoctor(new Date(Date.now() - 60_000));
    const otherPending = await passwordStep(other.email);
    for (let i = 0; i < 4; i++) await finishSignIn(db(), { userId: other.userId }, { ...PLAIN_COOKIES, code: "000000", cookieHeader: otherPending, clientAddress: null });
    expect((await finishSignIn(db(), { userId: other.userId }, { ...PLAIN_COOKIES, code: codeAt(other.secret, Date.now()), cookieHeader: otherPending, clientAddress: null })).ok).toBe(true);
    const next = await passwordStep(other.email);
    expect(await finishSignIn(db(), { userId: other.userId }, { ...PLAIN_COOKIES, code: "000000", cookieHeader: next, clientAddress: null })).toEqual({ ok: false, reason: "wrong_code" });
  });

  it("lets a pending sign-in lapse after ten minutes", async () => {
    const doctor = await enrolledDoctor();
    const pending = await passwordStep(doctor.email);
    const id = (await authenticate(db(), pending, PLAIN_COOKIES)).pendingSecondFactor!.sessionId;
    await db().update(sessions).set({ createdAt: new Date(Date.now() - SECOND_FACTOR_STEP_MS - 1000) }).where(eq(sessions.id, id));
    const auth = await authenticate(db(), pending, PLAIN_COOKIES);
    expect(auth.pendingSecondFactor).toBeNull();
    expect(auth.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
  });
});

describe("turning a second factor off", () => {
  it("needs the password, removes the factor and its codes, and leaves no session counted as having proved one", async () => {
    const doctor = await enrolledDoctor();
    expect(await disableSecondFactor(db(), { id: doctor.userId }, "not the password", null)).toBe("wrong_password");
    expect(await db().select().from(secondFactors)).toHaveLength(1);
    expect(await disableSecondFactor(db(), { id: doctor.userId }, TEST_PASSWORD, null)).toBe("disabled");
    expect(await db().select().from(secondFactors)).toHaveLength(0);
    expect(await db().select().from(recoveryCodes)).toHaveLength(0);
    expect((await authenticate(db(), doctor.cookie, PLAIN_COOKIES)).user?.secondFactorVerified).toBe(false);
    expect(await actions(doctor.userId)).toContain("second_factor.disabled");
    expect(await signIn(db(), { email: doctor.email, password: TEST_PASSWORD, clientAddress: "10.0.0.1" }, LIMITS)).toMatchObject({ ok: true, secondFactor: false });
  });

  it("by an admin's reset signs the person out everywhere and is audited with the admin as actor", async () => {
    const doctor = await enrolledDoctor();
    const admin = await makeUser(db(), "admin");
    await resetSecondFactor(db(), { id: admin.id, role: "admin", secondFactorVerified: true }, doctor.userId, "10.0.0.2");
    expect(await db().select().from(secondFactors)).toHaveLength(0);
    expect((await authenticate(db(), doctor.cookie, PLAIN_COOKIES)).user).toBeNull();
    const [event] = await db().select().from(auditEvents).where(and(eq(auditEvents.entityId, doctor.userId), eq(auditEvents.action, "second_factor.reset")));
    expect(event).toMatchObject({ actorId: admin.id, entityType: "user", clientAddress: "10.0.0.2" });
  });
});
