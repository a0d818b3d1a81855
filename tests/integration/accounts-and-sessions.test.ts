import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { passwords, sessions, users } from "~db/schema";
import { createAccount, EmailTakenError } from "~/features/accounts/create-account.server";
import { changePassword } from "~/features/auth/change-password.server";
import { verifyPassword } from "~/features/auth/password.server";
import { RateLimitedError } from "~/features/auth/rate-limit.server";
import {
  ABSOLUTE_LIFETIME_MS,
  authenticate,
  endSession,
  hashToken,
  startSession,
} from "~/features/auth/session.server";
import { signIn } from "~/features/auth/sign-in.server";
import { LIMITS, PLAIN_COOKIES, SESSION_COOKIE } from "../helpers/config";
import { useTestDatabase } from "../helpers/database";
import { makeUser, TEST_PASSWORD } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

const tokenOf = (setCookie: string) => {
  const match = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(setCookie);
  return match?.[1] ?? "";
};
const cookieHeader = (setCookie: string) => `${SESSION_COOKIE}=${tokenOf(setCookie)}`;

describe("accounts", () => {
  it("refuses a second account whose email differs only in letter case", async () => {
    await makeUser(db(), "patient", "Wang.Fang@Example.com");
    await expect(
      createAccount(db(), { email: "wang.fang@example.COM", password: TEST_PASSWORD, displayName: "X", role: "patient" }),
    ).rejects.toBeInstanceOf(EmailTakenError);
    const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(users);
    expect(row?.n).toBe(1);
  });

  it("stores the password only as an argon2id hash", async () => {
    const user = await makeUser(db());
    const [row] = await db().select().from(passwords).where(eq(passwords.userId, user.id));
    expect(row?.hash).toMatch(/^\$argon2id\$/);
    expect(row?.hash).not.toContain(TEST_PASSWORD);
  });

  it("writes nothing when the doctor profile of a new doctor account fails", async () => {
    await expect(
      createAccount(
        db(),
        { email: "half@test.example", password: TEST_PASSWORD, displayName: "Half", role: "doctor" },
        { departmentId: "00000000-0000-0000-0000-000000000000", nameZh: "半", nameEn: "Half", title: "resident" },
      ),
    ).rejects.toThrow();
    const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(users);
    expect(row?.n).toBe(0);
  });
});

describe("sign-in", () => {
  it("accepts the right password whatever the email's letter case", async () => {
    const user = await makeUser(db(), "patient", "li.na@test.example");
    const result = await signIn(db(), { email: "LI.NA@test.example", password: TEST_PASSWORD, clientAddress: "10.0.0.1" }, LIMITS);
    expect(result).toEqual({ ok: true, userId: user.id, role: "patient", secondFactor: false });
  });

  it("answers the same for a wrong password and an unknown email", async () => {
    const user = await makeUser(db());
    const wrong = await signIn(db(), { email: user.email, password: "wrong password", clientAddress: "10.0.0.2" }, LIMITS);
    const unknown = await signIn(db(), { email: "nobody@test.example", password: "x", clientAddress: "10.0.0.3" }, LIMITS);
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual({ ok: false, reason: "invalid" });
  });

  it("locks an account for the rest of the minute after ten failed sign-ins, even with the right password", async () => {
    const user = await makeUser(db());
    for (let i = 0; i < 10; i++) {
      const result = await signIn(db(), { email: user.email, password: `wrong ${i}`, clientAddress: `10.1.0.${i}` }, LIMITS);
      expect(result).toEqual({ ok: false, reason: "invalid" });
    }
    const eleventh = await signIn(db(), { email: user.email, password: TEST_PASSWORD, clientAddress: "10.1.1.1" }, LIMITS);
    expect(eleventh.ok).toBe(false);
    expect(eleventh).toMatchObject({ reason: "rate_limited" });
    if (!eleventh.ok && eleventh.reason === "rate_limited") {
      expect(eleventh.retryAfterSeconds).toBeGreaterThan(0);
      expect(eleventh.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it("counts concurrent failures exactly", async () => {
    const user = await makeUser(db());
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        signIn(db(), { email: user.email, password: `wrong ${i}`, clientAddress: "10.2.0.1" }, LIMITS),
      ),
    );
    const next = await signIn(db(), { email: user.email, password: "wrong", clientAddress: "10.2.0.2" }, LIMITS);
    expect(next).toMatchObject({ ok: false, reason: "rate_limited" });
  });
});

describe("the sign-in limit under concurrency", () => {
  it("judges at most ten of 100 concurrent wrong passwords for one account; the other 90 are refused before any password is checked", async () => {
    const user = await makeUser(db());
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(db(), { email: user.email, password: `wrong ${i}`, clientAddress: `10.4.${i >> 8}.${i & 255}` }, LIMITS)),
    );
    const judged = results.filter((r) => !r.ok && r.reason === "invalid").length;
    const refused = results.filter((r) => !r.ok && r.reason === "rate_limited").length;
    expect({ judged, refused }).toEqual({ judged: 10, refused: 90 });
    // The allowance is used up: the right password waits for the next window too.
    expect(await signIn(db(), { email: user.email, password: TEST_PASSWORD, clientAddress: "10.4.9.9" }, LIMITS)).toMatchObject({ reason: "rate_limited" });
  });

  it("judges at most fifty of 100 concurrent sign-ins from one address to 100 accounts", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(db(), { email: `nobody-${i}@test.example`, password: "guess", clientAddress: "10.5.0.1" }, LIMITS)),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid").length).toBe(50);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited").length).toBe(50);
  });

  it("clears the account's count after a success: ten more tries, then refused", async () => {
    const user = await makeUser(db());
    for (let i = 0; i < 9; i++) await signIn(db(), { email: user.email, password: `wrong ${i}`, clientAddress: "10.6.0.1" }, LIMITS);
    expect((await signIn(db(), { email: user.email, password: TEST_PASSWORD, clientAddress: "10.6.0.1" }, LIMITS)).ok).toBe(true);
    const again = await Promise.all(Array.from({ length: 11 }, (_, i) => signIn(db(), { email: user.email, password: `wrong again ${i}`, clientAddress: "10.6.0.2" }, LIMITS)));
    expect(again.filter((r) => !r.ok && r.reason === "invalid").length).toBe(10);
    expect(again.filter((r) => !r.ok && r.reason === "rate_limited").length).toBe(1);
  });

  it("does not hold successful sign-ins against their address", async () => {
    const people = await Promise.all(Array.from({ length: 60 }, () => makeUser(db())));
    for (const person of people) {
      expect((await signIn(db(), { email: person.email, password: TEST_PASSWORD, clientAddress: "10.7.0.1" }, LIMITS)).ok).toBe(true);
    }
  });
});

describe("the password change limit", () => {
  const changeWith = (user: { id: string; email: string }, currentPassword: string) =>
    changePassword(db(), { id: user.id, email: user.email, sessionId: null }, { currentPassword, newPassword: "a brand new password" }).catch((e: unknown) => e);

  it("judges at most ten of 40 concurrent wrong current passwords; the rest are refused with a retry time", async () => {
    const user = await makeUser(db());
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => changeWith(user, `wrong ${i}`)));
    expect(results.filter((r) => r === "wrong_password").length).toBe(10);
    const refused = results.filter((r) => r instanceof RateLimitedError) as RateLimitedError[];
    expect(refused).toHaveLength(30);
    for (const error of refused) expect(error.retryAfterSeconds).toBeGreaterThan(0);
    // The password did not change, and the right one waits for the next window too.
    expect(await changeWith(user, TEST_PASSWORD)).toBeInstanceOf(RateLimitedError);
    const [row] = await db().select({ hash: passwords.hash }).from(passwords).where(eq(passwords.userId, user.id));
    expect(await verifyPassword(row!.hash, TEST_PASSWORD)).toBe(true);
  });

  it("shares the account's allowance with sign-in: guesses through either door count together", async () => {
    const user = await makeUser(db());
    for (let i = 0; i < 10; i++) expect(await changeWith(user, `wrong ${i}`)).toBe("wrong_password");
    expect(await signIn(db(), { email: user.email, password: TEST_PASSWORD, clientAddress: "10.8.0.1" }, LIMITS)).toMatchObject({ reason: "rate_limited" });
  });
});

describe("sessions", () => {
  it("keeps only the SHA-256 of the cookie's token in the database", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const token = tokenOf(setCookie);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db().select().from(sessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it("resolves the signed-in user from the cookie and nobody from a forged one", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const auth = await authenticate(db(), cookieHeader(setCookie), PLAIN_COOKIES);
    expect(auth.user?.id).toBe(user.id);
    const forged = await authenticate(db(), `${SESSION_COOKIE}=${"A".repeat(43)}`, PLAIN_COOKIES);
    expect(forged.user).toBeNull();
    // The session id itself (the hash) does not work as a cookie.
    const [row] = await db().select().from(sessions);
    const byHash = await authenticate(db(), `${SESSION_COOKIE}=${row!.id}`, PLAIN_COOKIES);
    expect(byHash.user).toBeNull();
  });

  it("starts a new session at sign-in and ends the one the browser carried before", async () => {
    const user = await makeUser(db());
    const planted = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const fresh = await startSession(db(), user.id, cookieHeader(planted), "password", PLAIN_COOKIES);
    expect(tokenOf(fresh)).not.toBe(tokenOf(planted));
    expect((await authenticate(db(), cookieHeader(planted), PLAIN_COOKIES)).user).toBeNull();
    expect((await authenticate(db(), cookieHeader(fresh), PLAIN_COOKIES)).user?.id).toBe(user.id);
  });

  it("deletes the session on the server at sign-out", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const cleared = await endSession(db(), cookieHeader(setCookie), PLAIN_COOKIES);
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(await db().select().from(sessions)).toHaveLength(0);
    expect((await authenticate(db(), cookieHeader(setCookie), PLAIN_COOKIES)).user).toBeNull();
  });

  it("ends a session that was idle past its expiry", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    await db().update(sessions).set({ expiresAt: new Date(Date.now() - 1000) });
    expect((await authenticate(db(), cookieHeader(setCookie), PLAIN_COOKIES)).user).toBeNull();
  });

  it("ends a session older than its absolute lifetime, however active", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    await db()
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - ABSOLUTE_LIFETIME_MS - 1000), expiresAt: new Date(Date.now() + 3600_000) });
    const auth = await authenticate(db(), cookieHeader(setCookie), PLAIN_COOKIES);
    expect(auth.user).toBeNull();
    expect(await db().select().from(sessions)).toHaveLength(0);
  });

  it("renews a session that has used half of its idle time", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const soon = new Date(Date.now() + 30 * 60 * 1000);
    await db().update(sessions).set({ expiresAt: soon });
    const auth = await authenticate(db(), cookieHeader(setCookie), PLAIN_COOKIES);
    expect(auth.setCookie).toContain(tokenOf(setCookie));
    const [row] = await db().select().from(sessions);
    expect(row!.expiresAt.getTime()).toBeGreaterThan(soon.getTime());
  });

  it("never renews a session for a live connection (a socket left open does not keep it alive)", async () => {
    const user = await makeUser(db());
    const setCookie = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const soon = new Date(Date.now() + 30 * 60 * 1000);
    await db().update(sessions).set({ expiresAt: soon });
    const auth = await authenticate(db(), cookieHeader(setCookie), { ...PLAIN_COOKIES, renew: false });
    expect(auth.user?.id).toBe(user.id);
    expect(auth.setCookie).toBeNull();
    expect(auth.sessionEndsAt?.getTime()).toBe(soon.getTime());
    const [row] = await db().select().from(sessions);
    expect(row!.expiresAt.getTime()).toBe(soon.getTime());
  });

  it("ends the user's other sessions when the password changes, and keeps this one", async () => {
    const user = await makeUser(db());
    const here = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const elsewhere = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const hereAuth = await authenticate(db(), cookieHeader(here), PLAIN_COOKIES);
    const outcome = await changePassword(
      db(),
      { id: user.id, email: user.email, sessionId: hereAuth.sessionId },
      { currentPassword: TEST_PASSWORD, newPassword: "a brand new password" },
    );
    expect(outcome).toBe("changed");
    expect((await authenticate(db(), cookieHeader(here), PLAIN_COOKIES)).user?.id).toBe(user.id);
    expect((await authenticate(db(), cookieHeader(elsewhere), PLAIN_COOKIES)).user).toBeNull();
    const result = await signIn(db(), { email: user.email, password: "a brand new password", clientAddress: "10.3.0.1" }, LIMITS);
    expect(result.ok).toBe(true);
  });

  it("refuses a password change with the wrong current password and changes nothing", async () => {
    const user = await makeUser(db());
    const other = await startSession(db(), user.id, null, "password", PLAIN_COOKIES);
    const outcome = await changePassword(
      db(),
      { id: user.id, email: user.email, sessionId: null },
      { currentPassword: "not it", newPassword: "a brand new password" },
    );
    expect(outcome).toBe("wrong_password");
    expect((await authenticate(db(), cookieHeader(other), PLAIN_COOKIES)).user?.id).toBe(user.id);
  });
});
