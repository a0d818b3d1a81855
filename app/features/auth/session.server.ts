/**
 * Login sessions: the only module that knows about lucia. The cookie carries a random token; the
 * database stores only the token's SHA-256 as the session id. Sessions expire when idle (renewed while
 * used) and, whatever happens, a fixed time after sign-in.
 */
import { createHash, randomBytes } from "node:crypto";
import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { and, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";
import { reusableQuery, type Db } from "~db/client.server";
import { sessions, users } from "~db/schema";
import { recordAudit } from "~/features/audit/record-audit.server";
import type { LiveHub } from "~/features/live/hub.server";
import { publish } from "~/features/live/publish.server";
import { processWide } from "~/utils/process-wide";

/**
 * Secure cookies carry the `__Host-` prefix: the browser then keeps the cookie only if it is Secure, set
 * for this host alone (no Domain) and every path, so a sibling subdomain or a plain-HTTP page can
 * neither plant nor overwrite it. Development serves plain HTTP, where a Secure cookie cannot be set, so
 * the name stays plain there.
 */
export function sessionCookieName(options: { secure: boolean }): string {
  return options.secure ? "__Host-yz_session" : "yz_session";
}

/**
 * How this server writes its cookies, decided once at start (server.ts: production marks them Secure;
 * serve it over HTTPS, or on localhost) and handed to whatever reads or writes the session cookie.
 */
export type CookieOptions = { secureCookies: boolean };

const IDLE_TIMEOUT = new TimeSpan(2, "h");
export const ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** A sign-in waiting for its second factor must be finished within this time. */
export const SECOND_FACTOR_STEP_MS = 10 * 60 * 1000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function createLucia(db: Db, secure: boolean) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, sessions, users), {
    sessionExpiresIn: IDLE_TIMEOUT,
    sessionCookie: {
      name: sessionCookieName({ secure }),
      attributes: { secure, sameSite: "lax" },
    },
    getUserAttributes: (row) => ({
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      locale: row.locale,
      timeZone: row.timeZone,
      deactivatedAt: row.deactivatedAt,
    }),
    getSessionAttributes: (row) => ({
      createdAt: new Date(row.createdAt),
      awaitingSecondFactor: row.awaitingSecondFactor,
      secondFactorAt: row.secondFactorAt ? new Date(row.secondFactorAt) : null,
      appointmentId: row.appointmentId ?? null,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: typeof users.$inferSelect;
    DatabaseSessionAttributes: SessionAttributes;
  }
}

type SessionAttributes = { createdAt: Date; awaitingSecondFactor: boolean; secondFactorAt: Date | null; appointmentId: string | null };

type LuciaInstance = ReturnType<typeof createLucia>;
/** One lucia per database handle and cookie setting (the setting only shapes the cookies it writes). */
const instances = new WeakMap<Db, { secure?: LuciaInstance; plain?: LuciaInstance }>();
function luciaFor(db: Db, { secureCookies }: CookieOptions) {
  let byCookies = instances.get(db);
  if (!byCookies) instances.set(db, (byCookies = {}));
  const which = secureCookies ? "secure" : "plain";
  return (byCookies[which] ??= createLucia(db, secureCookies));
}

export type SessionUser = {
  id: string;
  email: string;
  displayName: string;
  role: (typeof users.$inferSelect)["role"];
  locale: (typeof users.$inferSelect)["locale"];
  timeZone: string;
  /** This session proved a second factor (at sign-in, or by turning one on). */
  secondFactorVerified: boolean;
  /**
   * Set for a session a personal join link opened: the one appointment whose room it opens. Such a
   * session opens nothing else (remix-handler.server.ts, room.server.ts).
   */
  onlyAppointmentId: string | null;
};

export type Auth = {
  user: SessionUser | null;
  sessionId: string | null;
  /** When the session ends unless it is used again (idle expiry), or at the latest (absolute expiry). */
  sessionEndsAt: Date | null;
  /** A sign-in whose password was right and whose second factor is still to come (nobody is signed in). */
  pendingSecondFactor: { userId: string; sessionId: string } | null;
  /** A Set-Cookie header to send when the session was renewed or found invalid. */
  setCookie: string | null;
};

export const ANONYMOUS: Auth = { user: null, sessionId: null, sessionEndsAt: null, pendingSecondFactor: null, setCookie: null };

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function readSessionToken(cookieHeader: string | null | undefined, { secureCookies }: CookieOptions): string | null {
  if (!cookieHeader) return null;
  const cookieName = sessionCookieName({ secure: secureCookies });
  for (const part of cookieHeader.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === cookieName) {
      const token = value.join("=");
      return TOKEN_PATTERN.test(token) ? token : null;
    }
  }
  return null;
}

/**
 * Resolves the person behind a request's cookie; renews the session when half its idle time is gone.
 * Live connections (room sockets, event streams) pass `renew: false`: only pages a person opens keep a
 * session alive, never a socket left open.
 */
export async function authenticate(
  db: Db,
  cookieHeader: string | null | undefined,
  options: CookieOptions & { renew?: boolean },
): Promise<Auth> {
  const token = readSessionToken(cookieHeader, options);
  if (!token) return ANONYMOUS;
  const sessionId = hashToken(token);
  const cache = sessionCaches.get(db);
  const cached = cache?.read(sessionId);
  if (cached) return cached;
  if (options.renew === false) return readSession(db, sessionId);
  const lucia = luciaFor(db, options);
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session) {
    return { ...ANONYMOUS, setCookie: lucia.createBlankSessionCookie().serialize() };
  }
  const age = Date.now() - session.createdAt.getTime();
  // A deactivated account's sessions were ended with it; one that slipped in meanwhile ends here.
  if (age > ABSOLUTE_LIFETIME_MS || user.deactivatedAt || (session.awaitingSecondFactor && age > SECOND_FACTOR_STEP_MS)) {
    await endSessions(db, { sessionIds: [session.id] });
    return { ...ANONYMOUS, setCookie: lucia.createBlankSessionCookie().serialize() };
  }
  if (session.awaitingSecondFactor) {
    return { ...ANONYMOUS, pendingSecondFactor: { userId: user.id, sessionId: session.id } };
  }
  const auth: Auth = {
    user: sessionUser(user, session.secondFactorAt !== null, session.appointmentId),
    sessionId: session.id,
    sessionEndsAt: endOf(session.expiresAt, session.createdAt),
    pendingSecondFactor: null,
    setCookie: session.fresh ? lucia.createSessionCookie(token).serialize() : null,
  };
  cache?.remember(auth, session.expiresAt);
  return auth;
}

/** A validated session is reused from memory for at most this long (its end is announced sooner). */
const SESSION_CACHE_MS = 10_000;
const SESSION_CACHE_MAX = 50_000;

type SessionCache = {
  read(sessionId: string): Auth | null;
  remember(auth: Auth, expiresAt: Date): void;
  dropUser(userId: string): void;
};
const sessionCaches = processWide("session-caches", () => new WeakMap<Db, SessionCache>());

/**
 * Keeps validated sessions in memory for this database handle for a few seconds: every page a signed-in
 * person opens reads their session, and at 9 am that read is a large share of the database's work. A
 * session's end (sign-out, password change, deactivation, expiry) and any change to its user reach every
 * instance through NOTIFY and drop the copy at once; after a lost connection the whole cache is dropped.
 * A session that is due for renewal is always read from the database (which renews it).
 */
export function cacheSessions(db: Db, hub: LiveHub): () => void {
  const entries = new Map<string, { auth: Auth; until: number }>();
  sessionCaches.set(db, {
    read(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry) return null;
      if (Date.now() >= entry.until) {
        entries.delete(sessionId);
        return null;
      }
      return entry.auth;
    },
    remember(auth, expiresAt) {
      if (!auth.user || !auth.sessionId || !auth.sessionEndsAt) return;
      // Reused only until lucia would renew it (half the idle time left) and never past its end.
      const renewalDue = expiresAt.getTime() - IDLE_TIMEOUT.milliseconds() / 2;
      const until = Math.min(Date.now() + SESSION_CACHE_MS, renewalDue, auth.sessionEndsAt.getTime());
      if (until <= Date.now()) return;
      if (entries.size >= SESSION_CACHE_MAX) entries.delete(entries.keys().next().value!);
      entries.set(auth.sessionId, { auth: { ...auth, setCookie: null }, until });
    },
    dropUser: (userId) => dropUser(userId),
  });
  const unsubscribe = hub.subscribe((event) => {
    if (event.kind === "sessions-ended") {
      if ("sessionIds" in event) for (const id of event.sessionIds) entries.delete(id);
      else dropUser(event.userId);
    } else if (event.kind === "user-changed") {
      dropUser(event.userId);
    }
  });
  const dropUser = (userId: string) => {
    for (const [id, entry] of entries) if (entry.auth.user?.id === userId) entries.delete(id);
  };
  const unResync = hub.onResync(() => entries.clear());
  return () => {
    unsubscribe();
    unResync();
    sessionCaches.delete(db);
  };
}

function sessionUser(
  user: Omit<SessionUser, "secondFactorVerified" | "onlyAppointmentId">,
  secondFactorVerified: boolean,
  onlyAppointmentId: string | null,
): SessionUser {
  const { id, email, displayName, role, locale, timeZone } = user;
  return { id, email, displayName, role, locale, timeZone, secondFactorVerified, onlyAppointmentId };
}

const endOf = (expiresAt: Date, createdAt: Date) => new Date(Math.min(expiresAt.getTime(), createdAt.getTime() + ABSOLUTE_LIFETIME_MS));

/** A session as it stands, without renewing it. */
const sessionQuery = reusableQuery((db) =>
  db
    .select({
      expiresAt: sessions.expiresAt,
      createdAt: sessions.createdAt,
      awaitingSecondFactor: sessions.awaitingSecondFactor,
      secondFactorAt: sessions.secondFactorAt,
      appointmentId: sessions.appointmentId,
      deactivatedAt: users.deactivatedAt,
      user: { id: users.id, email: users.email, displayName: users.displayName, role: users.role, locale: users.locale, timeZone: users.timeZone },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("sessionId")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .prepare("session_read"),
);

async function readSession(db: Db, sessionId: string): Promise<Auth> {
  const [row] = await sessionQuery(db, { sessionId, now: new Date().toISOString() });
  if (!row || Date.now() - row.createdAt.getTime() > ABSOLUTE_LIFETIME_MS || row.awaitingSecondFactor || row.deactivatedAt) return ANONYMOUS;
  return {
    user: sessionUser(row.user, row.secondFactorAt !== null, row.appointmentId),
    sessionId,
    sessionEndsAt: endOf(row.expiresAt, row.createdAt),
    pendingSecondFactor: null,
    setCookie: null,
  };
}

/** When each of these sessions ends now (renewals included); a session that is gone is missing from the map. */
export async function sessionEnds(db: Db, sessionIds: readonly string[]): Promise<Map<string, Date>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .select({ id: sessions.id, expiresAt: sessions.expiresAt, createdAt: sessions.createdAt })
    .from(sessions)
    .where(inArray(sessions.id, [...sessionIds]));
  const now = Date.now();
  return new Map(rows.map((r) => [r.id, endOf(r.expiresAt, r.createdAt)] as const).filter(([, end]) => end.getTime() > now));
}

/**
 * Ends sessions — some by id, or all of a user's but one — and tells every app instance, whose live
 * connections of those sessions then close.
 */
async function endSessions(db: Db, which: { sessionIds: string[] } | { userId: string; except: string | null }) {
  await db.transaction(async (tx) => {
    if ("sessionIds" in which) {
      if (which.sessionIds.length === 0) return;
      await tx.delete(sessions).where(inArray(sessions.id, which.sessionIds));
      await publish(tx, { kind: "sessions-ended", sessionIds: which.sessionIds });
    } else {
      await tx
        .delete(sessions)
        .where(which.except ? and(eq(sessions.userId, which.userId), ne(sessions.id, which.except)) : eq(sessions.userId, which.userId));
      await publish(tx, { kind: "sessions-ended", userId: which.userId, except: which.except });
    }
  });
}

/**
 * Starts a new session for a user who just proved who they are, and records the sign-in (one
 * transaction) once it is complete. Any session the request already carried is ended first, so a session
 * id planted before sign-in is never promoted (no fixation). `stage` says whether the second factor is
 * still to come (no sign-in yet to record) or was just proved. Returns the Set-Cookie header.
 */
export async function startSession(
  db: Db,
  userId: string,
  cookieHeader: string | null,
  stage: "password" | "awaiting_second_factor" | "second_factor",
  context: CookieOptions & { clientAddress?: string | null },
): Promise<string> {
  const previous = readSessionToken(cookieHeader, context);
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  await db.transaction(async (tx) => {
    if (previous) await endSessions(tx, { sessionIds: [hashToken(previous)] });
    await luciaFor(tx, context).createSession(
      userId,
      {
        createdAt: now,
        awaitingSecondFactor: stage === "awaiting_second_factor",
        secondFactorAt: stage === "second_factor" ? now : null,
        appointmentId: null,
      },
      { sessionId: hashToken(token) },
    );
    if (stage === "awaiting_second_factor") return;
    await recordAudit(tx, {
      actorId: userId,
      action: "auth.signed_in",
      entityType: "user",
      entityId: userId,
      clientAddress: context.clientAddress,
      detail: stage === "second_factor" ? { secondFactor: true } : {},
    });
  });
  return luciaFor(db, context).createSessionCookie(token).serialize();
}

/**
 * Starts a session that opens one appointment's room and nothing else, for the patient whose personal
 * join link was just opened (join-links.server.ts checked it), and records the link's use with it (one
 * transaction). Any session the request carried is ended first. Returns the Set-Cookie header.
 */
export async function startJoinSession(
  db: Db,
  link: { patientId: string; appointmentId: string },
  cookieHeader: string | null,
  context: CookieOptions & { clientAddress?: string | null },
): Promise<string> {
  return startRoomSession(db, cookieHeader, context, async (tx) => {
    await recordAudit(tx, {
      actorId: link.patientId,
      action: "join_link.used",
      entityType: "appointment",
      entityId: link.appointmentId,
      clientAddress: context.clientAddress,
    });
    return { userId: link.patientId, appointmentId: link.appointmentId };
  });
}

/**
 * A session that opens one appointment's room and nothing else (a join link's, a companion's guest
 * link's), started in one transaction with `open`'s writes, which name whose it is. The session the
 * request carried, if any, ends (no fixation). Returns the Set-Cookie header.
 */
export async function startRoomSession(
  db: Db,
  cookieHeader: string | null,
  context: CookieOptions,
  open: (tx: Db) => Promise<{ userId: string; appointmentId: string }>,
): Promise<string> {
  const previous = readSessionToken(cookieHeader, context);
  const token = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    const { userId, appointmentId } = await open(tx);
    if (previous) await endSessions(tx, { sessionIds: [hashToken(previous)] });
    await luciaFor(tx, context).createSession(
      userId,
      { createdAt: new Date(), awaitingSecondFactor: false, secondFactorAt: null, appointmentId },
      { sessionId: hashToken(token) },
    );
  });
  return luciaFor(db, context).createSessionCookie(token).serialize();
}

/** Ends every session of a user inside the caller's transaction (a companion the doctor removed). */
export async function endUserSessions(tx: Db, userId: string) {
  await endSessions(tx, { userId, except: null });
}

/** Ends the sessions join links opened for an appointment (it was cancelled or moved), inside the caller's transaction. */
export async function endJoinSessions(tx: Db, appointmentId: string) {
  const ended = await tx.delete(sessions).where(eq(sessions.appointmentId, appointmentId)).returning({ id: sessions.id });
  if (ended.length > 0) await publish(tx, { kind: "sessions-ended", sessionIds: ended.map((s) => s.id) });
}

/**
 * Ends the request's session on the server, recording the sign-out with it, and returns the Set-Cookie
 * header that clears the cookie.
 */
export async function endSession(
  db: Db,
  cookieHeader: string | null,
  context: CookieOptions & { clientAddress?: string | null },
): Promise<string> {
  const token = readSessionToken(cookieHeader, context);
  if (token) {
    await db.transaction(async (tx) => {
      // Locked, so that two sign-outs of one session record one.
      const [ended] = await tx
        .select({ userId: sessions.userId, awaitingSecondFactor: sessions.awaitingSecondFactor })
        .from(sessions)
        .where(eq(sessions.id, hashToken(token)))
        .for("update");
      if (!ended) return;
      await endSessions(tx, { sessionIds: [hashToken(token)] });
      // Leaving at the second step ends a sign-in that never happened: nothing to record.
      if (ended.awaitingSecondFactor) return;
      await recordAudit(tx, {
        actorId: ended.userId,
        action: "auth.signed_out",
        entityType: "user",
        entityId: ended.userId,
        clientAddress: context.clientAddress,
      });
    });
  }
  return luciaFor(db, context).createBlankSessionCookie().serialize();
}

/** Ends every session of a user except the one given (after a password change, a deactivation). */
export async function endOtherSessions(db: Db, userId: string, keepSessionId: string | null) {
  await endSessions(db, { userId, except: keepSessionId });
}

/** Ends every session of a user, wherever they are signed in (deactivation, a reset second factor). */
export async function endAllSessions(db: Db, userId: string) {
  await endSessions(db, { userId, except: null });
}

/**
 * Records that a session proved the second factor now (the person just turned one on in it). Cached
 * copies of the user's sessions are dropped on every instance.
 */
export async function markSecondFactorProved(db: Db, session: { userId: string; sessionId: string }) {
  await db.update(sessions).set({ secondFactorAt: new Date() }).where(eq(sessions.id, session.sessionId));
  await publish(db, { kind: "user-changed", userId: session.userId });
}

/**
 * Drops this instance's cached copies of a user's sessions at once, after a change committed; the
 * change's NOTIFY does the same on every instance a moment later.
 */
export function forgetCachedSessions(db: Db, userId: string) {
  sessionCaches.get(db)?.dropUser(userId);
}

/** After a second factor is turned off, no session of the user counts as having proved one. */
export async function forgetSecondFactorProofs(db: Db, userId: string) {
  await db.update(sessions).set({ secondFactorAt: null }).where(eq(sessions.userId, userId));
  await publish(db, { kind: "user-changed", userId });
}

export async function deleteExpiredSessions(db: Db) {
  await luciaFor(db, { secureCookies: false }).deleteExpiredSessions(); // no cookie is written
}
