/**
 * The consultation room's WebSocket (`/ws/signal?appointment=<id>`): live state, chat and, for the
 * peer-to-peer provider, WebRTC signalling. The user comes from the session cookie only; the socket is
 * for the appointment's patient and doctor, inside the join window. Every message is checked with Zod;
 * floods are dropped and then cut off; dead sockets are found by heartbeats. Messages between the two
 * sides travel through PostgreSQL NOTIFY, so each may be connected to a different app instance.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments } from "~db/schema";
import { consumeLimit, LIMITS, RateLimitedError } from "~/features/auth/rate-limit.server";
import { authenticate, type SessionUser } from "~/features/auth/session.server";
import type { AppointmentStatus } from "~/features/booking/statuses";
import type { LiveEvent, Participant, ServerMessage, SignalData } from "~/features/live/events";
import type { LiveHub } from "~/features/live/hub.server";
import { publish } from "~/features/live/publish.server";
import { sendChat, CHAT_MAX_LENGTH } from "./chat.server";
import { getRoomAccess } from "./room.server";
import { verifyTicket } from "./video/p2p.server";

const MAX_MESSAGE_BYTES = 32 * 1024;
const HEARTBEAT_MS = 10_000;
/** Token bucket per socket: a burst of 60 messages, refilled at 20 a second. */
const BUCKET_SIZE = 60;
const REFILL_PER_SECOND = 20;
/** A socket that keeps flooding after being throttled this many times is closed. */
const MAX_DROPPED = 200;

const sdp = z.string().max(16_000);
const signalData = z.union([
  z.object({ description: z.object({ type: z.enum(["offer", "answer"]), sdp }).strict() }).strict(),
  z
    .object({
      candidate: z
        .object({
          candidate: z.string().max(1000),
          sdpMid: z.string().max(64).nullish(),
          sdpMLineIndex: z.number().int().min(0).max(64).nullish(),
          usernameFragment: z.string().max(256).nullish(),
        })
        .strict()
        .nullable(),
    })
    .strict(),
]);
export const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), ticket: z.string().max(1000) }).strict(),
  z.object({ type: z.literal("signal"), data: signalData }).strict(),
  z.object({ type: z.literal("chat"), body: z.string().trim().min(1).max(CHAT_MAX_LENGTH), clientId: z.uuid() }).strict(),
]);

type Peer = {
  id: string;
  ws: WebSocket;
  user: SessionUser;
  role: Participant;
  appointmentId: string;
  doctorId: string;
  status: AppointmentStatus;
  joined: boolean;
  alive: boolean;
  tokens: number;
  lastRefill: number;
  dropped: number;
};

const ACTIVE: AppointmentStatus[] = ["booked", "checked_in", "in_consultation"];

export type Signaling = {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  /** Open sockets on this instance. */
  size(): number;
  close(): Promise<void>;
};

export async function createSignaling(options: { db: Db; hub: LiveHub }): Promise<Signaling> {
  const { db } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const peers = new Set<Peer>();

  const send = (peer: Peer, message: ServerMessage) => {
    if (peer.ws.readyState === peer.ws.OPEN) peer.ws.send(JSON.stringify(message));
  };

  const unsubscribe = options.hub.subscribe((event) => {
    for (const peer of peers) deliver(peer, event);
  });

  // Events were lost while the database was away: re-read each room's status and tell the browsers,
  // which then reload the room (status and chat) as they do after a reconnect.
  const unResync = options.hub.onResync(() => {
    const ids = [...new Set([...peers].map((p) => p.appointmentId))];
    if (ids.length === 0) return;
    void db
      .select({ id: appointments.id, status: appointments.status })
      .from(appointments)
      .where(inArray(appointments.id, ids))
      .then((rows) => {
        const status = new Map(rows.map((r) => [r.id, r.status]));
        for (const peer of peers) {
          peer.status = status.get(peer.appointmentId) ?? peer.status;
          send(peer, { type: "changed", status: peer.status });
        }
      })
      .catch(() => {});
  });

  function deliver(peer: Peer, event: LiveEvent) {
    switch (event.kind) {
      case "appointment":
        if (event.appointmentId === peer.appointmentId) peer.status = event.status;
        // The doctor's waiting room moves when any of their appointments changes; a patient's page shows
        // the others only while waiting (place in the queue, doctor busy). Every "changed" costs a reload
        // of the room, so at 9 am the patients not waiting are not told of each other's check-ins.
        if (
          event.doctorId === peer.doctorId &&
          (event.appointmentId === peer.appointmentId || peer.role === "doctor" || peer.status === "checked_in")
        ) {
          send(peer, { type: "changed", status: peer.status });
        }
        return;
      case "chat":
        if (event.appointmentId === peer.appointmentId) send(peer, { type: "chat", message: event.message });
        return;
      case "signal":
        if (event.appointmentId === peer.appointmentId && event.to === peer.role && peer.joined) {
          try {
            const data = JSON.parse(inflateRawSync(Buffer.from(event.payload, "base64")).toString()) as SignalData;
            send(peer, { type: "signal", data });
          } catch {
            // a corrupt relay is dropped; the other side renegotiates
          }
        }
        return;
      case "presence":
        if (event.appointmentId !== peer.appointmentId || event.role === peer.role || event.socketId === peer.id) return;
        if (!peer.joined) return;
        send(peer, { type: "peer", present: event.present });
        if (event.present && !event.reply) {
          void publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, present: true, reply: true, socketId: peer.id });
        }
        return;
    }
  }

  const heartbeat = setInterval(() => {
    for (const peer of peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
      // Browsers cannot see ping frames: an application-level beat lets them notice a dead line too.
      peer.ws.send('{"type":"beat"}');
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function allow(peer: Peer): boolean {
    const now = Date.now();
    peer.tokens = Math.min(BUCKET_SIZE, peer.tokens + ((now - peer.lastRefill) / 1000) * REFILL_PER_SECOND);
    peer.lastRefill = now;
    if (peer.tokens < 1) {
      peer.dropped++;
      if (peer.dropped > MAX_DROPPED) peer.ws.close(1008, "too many messages");
      return false;
    }
    peer.tokens -= 1;
    return true;
  }

  async function onMessage(peer: Peer, raw: Buffer, isBinary: boolean) {
    if (isBinary || !allow(peer)) return;
    let parsed: z.infer<typeof clientMessage>;
    try {
      const result = clientMessage.safeParse(JSON.parse(raw.toString("utf8")));
      if (!result.success) return send(peer, { type: "error", reason: "invalid message" });
      parsed = result.data;
    } catch {
      return send(peer, { type: "error", reason: "invalid message" });
    }
    switch (parsed.type) {
      case "join": {
        const claims = verifyTicket(parsed.ticket);
        if (!claims || claims.appointmentId !== peer.appointmentId || claims.userId !== peer.user.id) {
          return send(peer, { type: "error", reason: "invalid ticket" });
        }
        peer.joined = true;
        await publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, present: true, reply: false, socketId: peer.id });
        return;
      }
      case "signal": {
        // The status event may reach this instance a moment after the admitting request answered.
        if (peer.joined && peer.status !== "in_consultation") {
          const [row] = await db.select({ status: appointments.status }).from(appointments).where(eq(appointments.id, peer.appointmentId));
          if (row) peer.status = row.status;
        }
        if (!peer.joined || peer.status !== "in_consultation") return send(peer, { type: "error", reason: "not in a call" });
        const payload = deflateRawSync(JSON.stringify(parsed.data)).toString("base64");
        const to: Participant = peer.role === "doctor" ? "patient" : "doctor";
        const sent = await publish(db, { kind: "signal", appointmentId: peer.appointmentId, from: peer.role, to, payload });
        if (!sent) send(peer, { type: "error", reason: "message too large" });
        return;
      }
      case "chat": {
        if (!ACTIVE.includes(peer.status)) return send(peer, { type: "error", reason: "consultation closed" });
        await sendChat(db, { id: peer.user.id, displayName: peer.user.displayName, role: peer.role }, peer.appointmentId, parsed.body, parsed.clientId);
        return;
      }
    }
  }

  function refuse(socket: Duplex, status: number, text: string) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  return {
    async handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? "/", "http://localhost");
      const origin = request.headers.origin;
      if (origin && new URL(origin).host !== request.headers.host) return refuse(socket, 403, "Forbidden");
      const auth = await authenticate(db, request.headers.cookie).catch(() => null);
      if (!auth?.user) return refuse(socket, 401, "Unauthorized");
      try {
        await consumeLimit(db, LIMITS.signalJoin(auth.user.id));
      } catch (error) {
        if (error instanceof RateLimitedError) {
          socket.end(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${error.retryAfterSeconds}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
          return;
        }
        return refuse(socket, 503, "Service Unavailable");
      }
      const appointmentId = url.searchParams.get("appointment") ?? "";
      const access = await getRoomAccess(db, auth.user, appointmentId).catch(() => null);
      if (!access || !access.inWindow || !ACTIVE.includes(access.appointment.status)) {
        return refuse(socket, 403, "Forbidden");
      }
      const user = auth.user;
      server.handleUpgrade(request, socket, head, (ws) => {
        const peer: Peer = {
          id: randomUUID(),
          ws,
          user,
          role: access.role,
          appointmentId: access.appointment.id,
          doctorId: access.appointment.doctorId,
          status: access.appointment.status,
          joined: false,
          alive: true,
          tokens: BUCKET_SIZE,
          lastRefill: Date.now(),
          dropped: 0,
        };
        peers.add(peer);
        ws.on("pong", () => (peer.alive = true));
        ws.on("message", (data, isBinary) => {
          peer.alive = true;
          onMessage(peer, data as Buffer, isBinary).catch(() => send(peer, { type: "error", reason: "server error" }));
        });
        ws.on("close", () => {
          peers.delete(peer);
          if (peer.joined) {
            void publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, present: false, reply: false, socketId: peer.id }).catch(() => {});
          }
        });
        ws.on("error", () => ws.terminate());
        send(peer, { type: "ready", role: peer.role });
      });
    },
    size: () => peers.size,
    async close() {
      clearInterval(heartbeat);
      for (const peer of peers) peer.ws.close(1001, "server restarting");
      unsubscribe();
      unResync();
      server.close();
    },
  };
}
