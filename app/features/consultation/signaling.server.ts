/**
 * The consultation room's WebSocket (`/ws/signal?appointment=<id>`): live state, chat and, for the
 * peer-to-peer provider, WebRTC signalling between every two people in the call (a mesh of up to four).
 * The user comes from the session cookie only; the socket is for the appointment's patient, its doctor
 * and whoever they invited (not removed), inside the join window. Every message is checked with Zod;
 * floods are dropped and then cut off; dead sockets are found by heartbeats. Messages between the two
 * sides travel through PostgreSQL NOTIFY, so each may be connected to a different app instance.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { deflateRawSync } from "node:zlib";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import { eq, inArray } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { appointments } from "~db/schema";
import type { RateLimits } from "~/features/auth/rate-limit.server";
import type { SessionUser } from "~/features/auth/session.server";
import { isActive } from "~/features/booking/appointment-policy";
import { queueMessage, type RoomSubscriber } from "~/features/live/delivery-rules.server";
import type { ServerMessage } from "~/features/live/events";
import type { LiveHub } from "~/features/live/hub.server";
import type { LiveConnection, LiveDelivery } from "~/features/live/live-delivery.server";
import { publish } from "~/features/live/publish.server";
import { authorizeUpgrade } from "./authorize-upgrade.server";
import { admitMessage, freshAllowance, type Allowance } from "./message-allowance";
import { sendChat, CHAT_MAX_LENGTH } from "./chat.server";
import { expireStalePresence, recordArrival, recordDeparture, recordHeartbeat, recordReturn } from "./presence.server";
import { doctorQueue } from "./room.server";
import type { JoinTickets } from "./video/p2p.server";

const MAX_MESSAGE_BYTES = 32 * 1024;
const HEARTBEAT_MS = 10_000;

const sdp = z.string().max(16_000);
const signalData = z.union([
  z.object({ description: z.object({ type: z.enum(["offer", "answer"]), sdp }).strict(), restart: z.literal(true).optional() }).strict(),
  z.object({ restartIce: z.literal(true) }).strict(),
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
  z.object({ media: z.object({ audioOnly: z.boolean(), weak: z.boolean() }).strict() }).strict(),
]);
export const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), ticket: z.string().max(1000) }).strict(),
  z.object({ type: z.literal("leave") }).strict(),
  z.object({ type: z.literal("signal"), to: z.string().regex(/^(doctor|patient|(colleague|companion):[0-9a-f-]{36})$/), data: signalData }).strict(),
  z.object({ type: z.literal("chat"), body: z.string().trim().min(1).max(CHAT_MAX_LENGTH), clientId: z.uuid() }).strict(),
]);

type Peer = RoomSubscriber &
  LiveConnection & {
    ws: WebSocket;
    user: SessionUser;
    alive: boolean;
    allowance: Allowance;
    /** The patient's presence writes of this socket, in order (see `presence`). */
    presence: Promise<void>;
  };

/** WebSocket close codes the browser tells apart: the session ended (sign in again), the window closed. */
export const CLOSE_CODES = { "session-ended": 4401, "removed": 4403, "window-closed": 4410, "server-closing": 1001 } as const;

export type Signaling = {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  close(): Promise<void>;
};

export async function createSignaling(options: {
  db: Db;
  delivery: LiveDelivery;
  hub: LiveHub;
  /** Checks the peer-to-peer join tickets the video provider issued. */
  tickets: JoinTickets;
  limits: RateLimits;
  secureCookies: boolean;
}): Promise<Signaling> {
  const { db, delivery, tickets, limits, secureCookies } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const peers = new Set<Peer>();

  /** A patient socket's presence writes run in order: a departure never overtakes its arrival, nor a return its departure. */
  const presence = (peer: Peer, write: () => Promise<void>) => {
    if (peer.role === "patient") peer.presence = peer.presence.then(write).catch(() => {});
  };

  const send = (peer: Peer, message: ServerMessage) => {
    if (peer.ws.readyState === peer.ws.OPEN) peer.ws.send(JSON.stringify(message));
  };

  // A joined person announces themselves; whoever is already there answers them once, so each learns of
  // the other. A person the doctor removed is told (by the delivery rules), then their sockets close.
  const unEvent = delivery.onEvent((event) => {
    if (event.kind === "participants" && event.removed) {
      const removed = event.removed;
      setTimeout(() => {
        for (const peer of peers) if (peer.appointmentId === event.appointmentId && peer.peer === removed) peer.ws.close(CLOSE_CODES.removed, "removed");
      }, 100).unref();
      return;
    }
    if (event.kind !== "presence" || !event.present || event.reply) return;
    for (const peer of peers) {
      if (peer.appointmentId !== event.appointmentId || peer.peer === event.peer || !peer.joined) continue;
      publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, peer: peer.peer, present: true, reply: true, to: event.peer, socketId: peer.socketId }).catch(() => {});
    }
  });

  // Events were lost while the database was away: re-read each room's status (the delivery rules judge
  // by it), then the pages reload (status and chat) as they do after a reconnect.
  const unResync = options.hub.onResync(() => {
    const ids = [...new Set([...peers].map((p) => p.appointmentId))];
    if (ids.length === 0) return;
    db.select({ id: appointments.id, status: appointments.status })
      .from(appointments)
      .where(inArray(appointments.id, ids))
      .then((rows) => {
        const status = new Map(rows.map((r) => [r.id, r.status]));
        for (const peer of peers) peer.status = status.get(peer.appointmentId) ?? peer.status;
      })
      .catch(() => {});
  });

  const heartbeat = setInterval(() => {
    const here: Peer[] = [];
    for (const peer of peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        continue;
      }
      if (peer.role === "patient") here.push(peer);
      peer.alive = false;
      peer.ws.ping();
      // Browsers cannot see ping frames: an application-level beat lets them notice a dead line too.
      peer.ws.send('{"type":"beat"}');
    }
    // Patients here stay here; those of an instance that died are found away.
    recordHeartbeat(db, here.map((peer) => peer.socketId))
      .then((lost) => {
        for (const peer of here) {
          if (lost.has(peer.socketId)) presence(peer, () => (peers.has(peer) ? recordReturn(db, peer.socketId, peer.appointmentId) : Promise.resolve()));
        }
        return expireStalePresence(db);
      })
      .catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function allow(peer: Peer): boolean {
    const verdict = admitMessage(peer.allowance, Date.now());
    if (verdict === "close") peer.ws.close(1008, "too many messages");
    return verdict === "take";
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
        const claims = tickets.verify(parsed.ticket);
        if (!claims || claims.appointmentId !== peer.appointmentId || claims.userId !== peer.user.id) {
          return send(peer, { type: "error", reason: "invalid ticket" });
        }
        peer.joined = true;
        await publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, peer: peer.peer, present: true, reply: false, socketId: peer.socketId });
        return;
      }
      case "leave": {
        if (!peer.joined) return;
        peer.joined = false;
        await publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, peer: peer.peer, present: false, reply: false, socketId: peer.socketId, hungUp: true });
        return;
      }
      case "signal": {
        // The status event may reach this instance a moment after the admitting request answered.
        if (peer.joined && peer.status !== "in_consultation") {
          const [row] = await db.select({ status: appointments.status }).from(appointments).where(eq(appointments.id, peer.appointmentId));
          if (row) peer.status = row.status;
        }
        if (!peer.joined || peer.status !== "in_consultation") return send(peer, { type: "error", reason: "not in a call" });
        if (parsed.to === peer.peer) return send(peer, { type: "error", reason: "invalid message" });
        const payload = deflateRawSync(JSON.stringify(parsed.data)).toString("base64");
        const sent = await publish(db, { kind: "signal", appointmentId: peer.appointmentId, from: peer.peer, to: parsed.to, payload });
        if (!sent) send(peer, { type: "error", reason: "message too large" });
        return;
      }
      case "chat": {
        if (!isActive(peer.status)) return send(peer, { type: "error", reason: "consultation closed" });
        await sendChat(db, { id: peer.user.id, displayName: peer.user.displayName, role: peer.role }, peer.appointmentId, parsed.body, parsed.clientId);
        return;
      }
    }
  }

  return {
    async handleUpgrade(request, socket, head) {
      const decision = await authorizeUpgrade({ db, limits, secureCookies }, request);
      if (!decision.ok && "closeWith" in decision) {
        server.handleUpgrade(request, socket, head, (ws) => ws.close(CLOSE_CODES[decision.closeWith], decision.closeWith));
        return;
      }
      if (!decision.ok) {
        const retry = decision.retryAfterSeconds === undefined ? "" : `Retry-After: ${decision.retryAfterSeconds}\r\n`;
        socket.end(`HTTP/1.1 ${decision.status} ${STATUS_CODES[decision.status]}\r\n${retry}Connection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const { user, sessionId, sessionEndsAt, access, missedChat } = decision;
      server.handleUpgrade(request, socket, head, (ws) => {
        const peer: Peer = {
          socketId: randomUUID(),
          ws,
          user,
          userId: user.id,
          sessionId,
          sessionEndsAt,
          closesAt: access.window.closesAt,
          close: (reason) => ws.close(CLOSE_CODES[reason], reason),
          role: access.role,
          peer: access.peer,
          appointmentId: access.appointment.id,
          doctorId: access.appointment.doctorId,
          status: access.appointment.status,
          joined: false,
          alive: true,
          allowance: freshAllowance(Date.now()),
          presence: Promise.resolve(),
        };
        peers.add(peer);
        presence(peer, () => recordArrival(db, peer.socketId, peer.appointmentId));
        const remove = delivery.addRoom(peer, (message) => send(peer, message));
        ws.on("pong", () => (peer.alive = true));
        ws.on("message", (data, isBinary) => {
          peer.alive = true;
          onMessage(peer, data as Buffer, isBinary).catch(() => send(peer, { type: "error", reason: "server error" }));
        });
        ws.on("close", () => {
          peers.delete(peer);
          remove();
          presence(peer, () => recordDeparture(db, peer.socketId, peer.appointmentId));
          if (peer.joined) {
            publish(db, { kind: "presence", appointmentId: peer.appointmentId, role: peer.role, peer: peer.peer, present: false, reply: false, socketId: peer.socketId }).catch(() => {});
          }
        });
        ws.on("error", () => ws.terminate());
        send(peer, { type: "ready", role: peer.role, peer: peer.peer, status: peer.status, missedChat });
        // A waiting patient learns their place at once (the page's data may be a moment old).
        if (peer.role === "patient" && peer.status === "checked_in") {
          doctorQueue(db, peer.doctorId)
            .then((queue) => send(peer, queueMessage(peer.appointmentId, queue)))
            .catch(() => {});
        }
      });
    },
    async close() {
      clearInterval(heartbeat);
      for (const peer of peers) peer.ws.close(CLOSE_CODES["server-closing"], "server restarting");
      unEvent();
      unResync();
      server.close();
    },
  };
}
