import type { AppointmentStatus } from "~/features/booking/statuses";

export type Participant = "patient" | "doctor";

export type ChatMessageView = {
  id: string;
  senderRole: Participant;
  senderName: string;
  body: string;
  /** The sender's browser's id for the message, which it resends until it sees this id come back. */
  clientId: string;
  createdAt: string;
};

/** What travels between app instances over PostgreSQL NOTIFY. */
export type LiveEvent =
  | {
      kind: "appointment";
      appointmentId: string;
      doctorId: string;
      patientId: string;
      status: AppointmentStatus;
    }
  | { kind: "chat"; appointmentId: string; message: ChatMessageView }
  | { kind: "signal"; appointmentId: string; from: Participant; to: Participant; payload: string }
  | {
      kind: "presence";
      appointmentId: string;
      role: Participant;
      present: boolean;
      /** True when answering another socket's arrival (so that nobody answers an answer). */
      reply: boolean;
      socketId: string;
    };

/** What the server sends down a room's WebSocket. */
export type ServerMessage =
  | { type: "ready"; role: Participant }
  | { type: "changed"; status: AppointmentStatus }
  | { type: "chat"; message: ChatMessageView }
  | { type: "signal"; data: SignalData }
  | { type: "peer"; present: boolean }
  | { type: "error"; reason: string }
  | { type: "beat" };

/** What a browser sends up: WebRTC signalling and chat. Checked with Zod on the server. */
export type ClientMessage =
  | { type: "join"; ticket: string }
  | { type: "signal"; data: SignalData }
  | { type: "chat"; body: string; clientId: string };

export type SignalData =
  | { description: { type: "offer" | "answer"; sdp: string } }
  | { candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null } | null };
