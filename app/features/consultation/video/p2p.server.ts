import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Participant } from "~/features/live/events";
import type { JoinCredentials, JoinRequest, RTCIceServerLike, VideoProvider } from "./provider.server";

export type TicketClaims = { appointmentId: string; userId: string; role: Participant; exp: number };

// Several app instances must share JOIN_TICKET_SECRET; a single one may use a secret of its own. It is
// kept on globalThis because server.ts and the Remix build each load their own copy of this module.
const FALLBACK = Symbol.for("yunzhen.joinTicketSecret");
function secretOf(env: NodeJS.ProcessEnv): string {
  const configured = env.JOIN_TICKET_SECRET?.trim();
  if (configured) return configured;
  const holder = globalThis as { [FALLBACK]?: string };
  holder[FALLBACK] ??= randomBytes(32).toString("hex");
  return holder[FALLBACK];
}

function sign(body: string, secret: string) {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

export function iceServersFromEnv(env: NodeJS.ProcessEnv): RTCIceServerLike[] {
  const raw = env.ICE_SERVERS?.trim();
  if (!raw) return [];
  return JSON.parse(raw) as RTCIceServerLike[];
}

/** Built-in peer-to-peer: a signed, short-lived ticket that admits its holder to our signalling socket. */
export function p2pProvider(env: NodeJS.ProcessEnv): VideoProvider {
  return {
    name: "p2p",
    async issue(request: JoinRequest): Promise<JoinCredentials> {
      const claims: TicketClaims = {
        appointmentId: request.appointmentId,
        userId: request.userId,
        role: request.role,
        exp: Math.floor(request.expiresAt.getTime() / 1000),
      };
      const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return {
        provider: "p2p",
        token: `${body}.${sign(body, secretOf(env))}`,
        roomName: request.roomName,
        identity: request.identity,
        expiresAt: request.expiresAt.toISOString(),
        iceServers: iceServersFromEnv(env),
      };
    },
  };
}

/** The claims of a genuine, unexpired ticket; null for anything else. */
export function verifyTicket(ticket: string, now = new Date(), env: NodeJS.ProcessEnv = process.env): TicketClaims | null {
  const [body, signature] = ticket.split(".");
  if (!body || !signature || ticket.length > 1000) return null;
  const expected = Buffer.from(sign(body, secretOf(env)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as TicketClaims;
    return claims.exp * 1000 > now.getTime() ? claims : null;
  } catch {
    return null;
  }
}
