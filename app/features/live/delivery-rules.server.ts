/**
 * Who hears what: the one rule that turns a live event into the message each open page receives (a
 * consultation room's socket, a doctor's Today, the clinic board), or into nothing. Pure: the transports
 * (`live-delivery.server.ts`, the room socket, the event stream) only carry what this decides.
 *
 * What each page learns is what it may show: a patient learns only their own appointment's status and
 * their place in the queue, never who else waits; the board never gets a patient's reason for the visit.
 */
import { inflateRawSync } from "node:zlib";
import type { AppointmentStatus } from "~/domain/vocabulary";
import type {
  AppointmentEntry,
  AppointmentEvent,
  LiveEvent,
  Participant,
  PeerKey,
  ServerMessage,
  SignalData,
  StreamAppointment,
  StreamPresence,
} from "./events";

/** An open consultation room: its socket's user is the appointment's patient, its doctor or an invited participant. */
export type RoomSubscriber = {
  role: Participant;
  /** Who this person is in the call's signalling (participant-policy.ts). */
  peer: PeerKey;
  appointmentId: string;
  doctorId: string;
  /** The appointment's status as this page last heard it. */
  status: AppointmentStatus;
  /** Whether the page joined the call (holds a valid join ticket). */
  joined: boolean;
  socketId: string;
};

/** A schedule page's event stream: one doctor's Today, or the whole clinic's board. */
export type StreamSubscriber = { kind: "today"; doctorId: string } | { kind: "board" };

/** The status a room has after an event (its own appointment's status moves; nothing else does). */
export function roomStatusAfter(room: RoomSubscriber, event: LiveEvent): AppointmentStatus {
  return event.kind === "appointment" && event.appointmentId === room.appointmentId ? event.status : room.status;
}

/**
 * The message an open room receives for an event, given the room's status after it (`roomStatusAfter`).
 * - Its own appointment changed: `changed` (the page reloads: what it shows changes).
 * - Another appointment of the same doctor: the doctor's page gets the entry (its waiting room updates in
 *   place); a patient who waits gets their new place in the queue, and nothing while not waiting.
 * - Chat, attachments and presence: the same appointment's rooms; WebRTC signals: the addressed person, once joined.
 * - Who takes part: the same appointment's rooms read the list again; the removed person is told so.
 */
export function roomMessageFor(room: RoomSubscriber, event: LiveEvent): ServerMessage | null {
  switch (event.kind) {
    case "appointment":
      if (event.appointmentId === room.appointmentId) return { type: "changed", status: event.status };
      if (event.doctorId !== room.doctorId) return null;
      if (room.role === "doctor") {
        return { type: "appointment", appointmentId: event.appointmentId, status: event.status, entry: event.entry ?? null };
      }
      if (room.status !== "checked_in") return null;
      // Without the queue (a cancellation, say), the page reads its place again.
      if (!event.queue) return { type: "stale" };
      return queueMessage(room.appointmentId, event.queue);
    case "chat":
      return event.appointmentId === room.appointmentId ? { type: "chat", message: event.message } : null;
    case "attachment":
      return event.appointmentId === room.appointmentId ? { type: "attachment", attachment: event.attachment } : null;
    case "signal":
      if (event.appointmentId !== room.appointmentId || event.to !== room.peer || !room.joined) return null;
      try {
        return { type: "signal", from: event.from, data: JSON.parse(inflateRawSync(Buffer.from(event.payload, "base64")).toString()) as SignalData };
      } catch {
        return null; // a corrupt relay is dropped; the other side renegotiates
      }
    case "presence":
      if (event.appointmentId !== room.appointmentId || event.peer === room.peer || event.socketId === room.socketId) return null;
      if (!room.joined || (event.to !== undefined && event.to !== room.peer)) return null;
      return event.hungUp ? { type: "peer", peer: event.peer, present: event.present, hungUp: true } : { type: "peer", peer: event.peer, present: event.present };
    case "participants":
      if (event.appointmentId !== room.appointmentId) return null;
      return event.removed === room.peer ? { type: "removed" } : { type: "participants" };
    default:
      return null;
  }
}

/** A waiting patient's place (1 = next; null once no longer waiting) and whether the doctor is in a call. */
export function queueMessage(appointmentId: string, queue: { waiting: readonly string[]; inCall: boolean }): ServerMessage {
  const index = queue.waiting.indexOf(appointmentId);
  return { type: "queue", position: index === -1 ? null : index + 1, inCall: queue.inCall };
}

/**
 * What a schedule page's stream receives: a doctor's Today hears of that doctor's appointments (with the
 * reason for the visit); the board hears of every appointment (without it).
 */
export function streamMessageFor(subscriber: StreamSubscriber, event: LiveEvent): StreamAppointment | null {
  if (event.kind !== "appointment") return null;
  if (subscriber.kind === "today") return event.doctorId === subscriber.doctorId ? streamAppointment(event, event.entry ?? null) : null;
  return streamAppointment(event, event.entry ? withoutReason(event.entry) : null);
}

/** Whether a patient is here reaches their doctor's Today only (the board and the rooms hear nothing of it). */
export function streamPresenceFor(subscriber: StreamSubscriber, event: LiveEvent): StreamPresence | null {
  if (event.kind !== "patient-presence" || subscriber.kind !== "today" || event.doctorId !== subscriber.doctorId) return null;
  return { appointmentId: event.appointmentId, present: event.present, since: event.since };
}

function streamAppointment(event: AppointmentEvent, entry: AppointmentEntry | null): StreamAppointment {
  return {
    appointmentId: event.appointmentId,
    doctorId: event.doctorId,
    status: event.status,
    previous: event.previous,
    entry,
    slotsChanged: event.slotsChanged ?? false,
  };
}

function withoutReason({ reason: _reason, ...entry }: AppointmentEntry): AppointmentEntry {
  return entry;
}
