/**
 * Login sessions: the only module that knows about lucia. The cookie carries a random token; the
 * database stores only the token's SHA-256 as the session id. Sessions expire when idle (renewed while
 * used) and, whatever happens, a fixed time after sign-in.
 */
import { createHash, randomBytes } from "node:crypto";
import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { and, eq, ne } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";
import type { Db } from "~db/client.server";
import { sessions, users } from "~db/schema";

/**
 * Secure cookies carry the `__Host-` prefix: the browser then keeps the cookie only if it is Secure, set
 * for this host alone (no Domain) and every path, so a sibling subdomain or a plain-HTTP page can
 * neither plant nor overwrite it. Development serves plain HTTP, where a Secure cookie cannot be set, so
 * the name stays plain there.
 */
export function sessionCookieName(options: { secure: boolean }): string {
  return options.secure ? "__Host-yz_session" : "yz_session";
}

/** Production marks cookies Secure (serve it over HTTPS, or on localhost). */
const SECURE_COOKIES = process.env.NODE_ENV === "production";
export const SESSION_COOKIE = sessionCookieName({ secure: SECURE_COOKIES });
const IDLE_TIMEOUT = new TimeSpan(2, "h");
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function createLucia(db: Db) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, sessions, users), {
    sessionExpiresIn: IDLE_TIMEOUT,
    sessionCookie: {
      name: SESSION_COOKIE,
      attributes: { secure: SECURE_COOKIES, sameSite: "lax" },
    },
    getUserAttributes: (row) => ({
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      locale: row.locale,
      timeZone: row.timeZone,
    }),
    getSessionAttributes: (row) => ({ createdAt: new Date(row.createdAt) }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: typeof users.$inferSelect;
    DatabaseSessionAttributes: { createdAt: Date };
  }
}

const instances = new WeakMap<Db, ReturnType<typeof createLucia>>();
function luciaFor(db: Db) {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}

export type SessionUser = {
  id: string;
  email: string;
  displayName: string;
  role: (typeof users.$inferSelect)["role"];
  locale: (typeof users.$inferSelect)["locale"];
  timeZone: string;
};

export type Auth = {
  user: SessionUser | null;
  sessionId: string | null;
  /** A Set-Cookie header to send when the session was renewed or found invalid. */
  setCookie: string | null;
};

export const ANONYMOUS: Auth = { user: null, sessionId: null, setCookie: null };

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) {
      const token = value.join("=");
      return TOKEN_PATTERN.test(token) ? token : null;
    }
  }
  return null;
}

/** Resolves the person behind a request's cookie; renews the session when half its idle time is gone. */
export async function authenticate(db: Db, cookieHeader: string | null | undefined): Promise<Auth> {
  const token = readSessionToken(cookieHeader);
  if (!token) return ANONYMOUS;
  const lucia = luciaFor(db);
  const { session, user } = await lucia.validateSession(hashToken(token));
  if (!session) {
    return { ...ANONYMOUS, setCookie: lucia.createBlankSessionCookie().serialize() };
  }
  if (Date.now() - session.createdAt.getTime() > ABSOLUTE_LIFETIME_MS) {
    await lucia.invalidateSession(session.id);
    return { ...ANONYMOUS, setCookie: lucia.createBlankSessionCookie().serialize() };
  }
  return {
    user: {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      locale: user.locale,
      timeZone: user.timeZone,
    },
    sessionId: session.id,
    setCookie: session.fresh ? lucia.createSessionCookie(token).serialize() : null,
  };
}

/**
 * Starts a new session for a user who just proved who they are. Any session the request already carried
 * is ended first, so a session id planted before sign-in is never promoted (no fixation).
 * Returns the Set-Cookie header.
 */
export async function startSession(db: Db, userId: string, cookieHeader: string | null): Promise<string> {
  const lucia = luciaFor(db);
  const previous = readSessionToken(cookieHeader);
  if (previous) await lucia.invalidateSession(hashToken(previous));
  const token = randomBytes(32).toString("base64url");
  await lucia.createSession(userId, { createdAt: new Date() }, { sessionId: hashToken(token) });
  return lucia.createSessionCookie(token).serialize();
}

/** Ends the request's session on the server and returns the Set-Cookie header that clears the cookie. */
export async function endSession(db: Db, cookieHeader: string | null): Promise<string> {
  const lucia = luciaFor(db);
  const token = readSessionToken(cookieHeader);
  if (token) await lucia.invalidateSession(hashToken(token));
  return lucia.createBlankSessionCookie().serialize();
}

/** Ends every session of a user except the one given (after a password change). */
export async function endOtherSessions(db: Db, userId: string, keepSessionId: string | null) {
  await db
    .delete(sessions)
    .where(
      keepSessionId
        ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
        : eq(sessions.userId, userId),
    );
}

export async function deleteExpiredSessions(db: Db) {
  await luciaFor(db).deleteExpiredSessions();
}
