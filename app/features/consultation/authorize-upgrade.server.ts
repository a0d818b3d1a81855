import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Db } from "~db/client.server";
import { consumeLimit, RateLimitedError, type RateLimits } from "~/features/auth/rate-limit.server";
import { authenticate, type SessionUser } from "~/features/auth/session.server";
import { hasMoreChat } from "./chat.server";
import { getRoomAccess, mayEnterRoom, type RoomAccess } from "./room.server";

export type UpgradeDecision =
  | {
      ok: true;
      user: SessionUser;
      sessionId: string;
      sessionEndsAt: Date;
      access: RoomAccess;
      /** The page was read with fewer chat messages than there are now: it should reload its chat. */
      missedChat: boolean;
    }
  | { ok: false; status: 401 | 403 | 429 | 503; retryAfterSeconds?: number }
  /** Someone of this room's, after it closed for good (the visit ended, its window passed): the socket opens only to say so. */
  | { ok: false; closeWith: "window-closed" };

/**
 * Whether a request may open the room's socket (`/ws/signal?appointment=<id>&chat=<n>`): same origin,
 * a signed-in session (never renewed by live traffic), within the socket rate limit, and someone who may
 * join this appointment's room now. The answer carries what the socket needs to know of them. One of the
 * room's own people knocking after it closed for good is let in only to be told so (close code 4410).
 */
export async function authorizeUpgrade(
  deps: { db: Db; limits: RateLimits; secureCookies: boolean },
  request: Pick<IncomingMessage, "url" | "headers">,
  now = new Date(),
): Promise<UpgradeDecision> {
  const { db } = deps;
  const url = new URL(request.url ?? "/", "http://localhost");
  const origin = request.headers.origin;
  if (origin && new URL(origin).host !== request.headers.host) return { ok: false, status: 403 };
  const auth = await authenticate(db, request.headers.cookie, { renew: false, secureCookies: deps.secureCookies }).catch(() => null);
  if (!auth?.user || !auth.sessionId || !auth.sessionEndsAt) return { ok: false, status: 401 };
  try {
    await consumeLimit(db, deps.limits.signalJoin(auth.user.id));
  } catch (error) {
    if (error instanceof RateLimitedError) return { ok: false, status: 429, retryAfterSeconds: error.retryAfterSeconds };
    return { ok: false, status: 503 };
  }
  const access = await getRoomAccess(db, auth.user, url.searchParams.get("appointment") ?? "", now).catch(() => null);
  if (!access) return { ok: false, status: 403 };
  if (!mayEnterRoom(access, auth.user, now, "socket")) {
    // Refused at the door, a page that was in the room would retry for ever, each refusal a network error
    // in its console; a final close code tells it the room is over, and it re-reads its state once.
    return now >= access.window.opensAt ? { ok: false, closeWith: "window-closed" } : { ok: false, status: 403 };
  }
  const knownChat = z.coerce.number().int().min(0).max(100_000).safeParse(url.searchParams.get("chat"));
  const missedChat = knownChat.success ? await hasMoreChat(db, access.appointment.id, knownChat.data).catch(() => true) : true;
  return { ok: true, user: auth.user, sessionId: auth.sessionId, sessionEndsAt: auth.sessionEndsAt, access, missedChat };
}
