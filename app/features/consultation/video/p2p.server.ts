import { createHmac, timingSafeEqual } from "node:crypto";
import type { Participant } from "~/features/live/events";
import type { JoinCredentials, RTCIceServerLike } from "./join-credentials";
import type { JoinRequest, VideoProvider } from "./provider.server";

export type TicketClaims = { appointmentId: string; userId: string; role: Participant; exp: number };

/** Signs the peer-to-peer join tickets and checks them at the signalling socket, with one secret. */
export type JoinTickets = {
  sign(claims: TicketClaims): string;
  /** The claims of a genuine, unexpired ticket; null for anything else. */
  verify(ticket: string, now?: Date): TicketClaims | null;
};

/**
 * The server creates this once from its secret (JOIN_TICKET_SECRET, which several app instances must
 * share; unset, one of its own, handed by the primary to every worker) and gives it to both the video
 * provider that issues tickets and the signalling socket that checks them.
 */
export function joinTickets(secret: string): JoinTickets {
  const signature = (body: string) => createHmac("sha256", secret).update(body).digest("base64url");
  return {
    sign(claims) {
      const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return `${body}.${signature(body)}`;
    },
    verify(ticket, now = new Date()) {
      const [body, given] = ticket.split(".");
      if (!body || !given || ticket.length > 1000) return null;
      const expected = Buffer.from(signature(body));
      const actual = Buffer.from(given);
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
      try {
        const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as TicketClaims;
        return claims.exp * 1000 > now.getTime() ? claims : null;
      } catch {
        return null;
      }
    },
  };
}

/** Built-in peer-to-peer: a signed, short-lived ticket that admits its holder to our signalling socket. */
export function p2pProvider(options: { tickets: JoinTickets; iceServers: RTCIceServerLike[] }): VideoProvider {
  return {
    name: "p2p",
    async issue(request: JoinRequest): Promise<JoinCredentials> {
      const token = options.tickets.sign({
        appointmentId: request.appointmentId,
        userId: request.userId,
        role: request.role,
        exp: Math.floor(request.expiresAt.getTime() / 1000),
      });
      return {
        provider: "p2p",
        token,
        roomName: request.roomName,
        identity: request.identity,
        expiresAt: request.expiresAt.toISOString(),
        iceServers: options.iceServers,
      };
    },
  };
}
