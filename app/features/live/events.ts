import type { AppointmentStatus, AttachmentKind, AttachmentPurpose, JoinMode } from "~/domain/vocabulary";

/** Who someone is in a consultation room: its patient, its doctor, or a participant one of them invited. */
export type Participant = "patient" | "doctor" | "colleague" | "companion";

/** A person's name in the call's signalling: "doctor", "patient", "colleague:<id>", "companion:<id>" (see participant-policy.ts). */
export type PeerKey = string;

export type ChatMessageView = {
  id: string;
  senderRole: Participant;
  senderName: string;
  body: string;
  /** The sender's browser's id for the message, which it resends until it sees this id come back. */
  clientId: string;
  createdAt: string;
};

/** A photo or file attached to an appointment, as its patient's and doctor's pages list it (never its bytes). */
export type AttachmentView = {
  id: string;
  kind: AttachmentKind;
  purpose: AttachmentPurpose;
  fileName: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  createdAt: string;
};

/** An appointment as the doctor's pages and the clinic board show it (never sent to patients). */
export type AppointmentEntry = {
  startsAt: string;
  endsAt: string;
  patientName: string;
  /** The reason for the visit: for the appointment's doctor only (never on the board, never to patients). */
  reason?: string;
  checkedInAt: string | null;
  admittedAt: string | null;
  /** How the patient checked in to join (video, voice, chat); null or absent before check-in. */
  joinMode?: JoinMode | null;
};

/** A doctor's waiting room right after a change: the waiting appointments in order, and whether a call is on. */
export type DoctorQueue = { waiting: string[]; inCall: boolean };

/** An appointment changed: booked, moved, cancelled, checked in, admitted, ended or marked no-show. */
export type AppointmentEvent = {
  kind: "appointment";
  appointmentId: string;
  doctorId: string;
  patientId: string;
  status: AppointmentStatus;
  /** The status before the change; null for a new booking; absent when the publisher did not say. */
  previous?: AppointmentStatus | null;
  /** The appointment after the change: pages update in place instead of reloading. */
  entry?: AppointmentEntry;
  /** The doctor's queue after the change (check-in, admit, end, no-show): waiting pages move without a reload. */
  queue?: DoctorQueue;
  /** True when the change moved or freed time (booking, reschedule, cancellation): free slots changed. */
  slotsChanged?: boolean;
  /**
   * The time a new booking took, when that is the whole change to free slots: free-slot indexes drop the
   * slots it overlaps instead of computing the doctor's horizon again (at 9 am, after every booking).
   */
  took?: { startsAt: string; endsAt: string };
};

/** A patient here (since they arrived) or away (since they left; null if never here): see `presence.server.ts`. */
export type PatientPresence = { present: boolean; since: string | null };

export type PatientPresenceEvent = { kind: "patient-presence"; appointmentId: string; doctorId: string } & PatientPresence;

/** What travels between app instances over PostgreSQL NOTIFY. */
export type LiveEvent =
  | AppointmentEvent
  | { kind: "chat"; appointmentId: string; message: ChatMessageView }
  /** A file was attached: the appointment's open rooms list it at once. */
  | { kind: "attachment"; appointmentId: string; attachment: AttachmentView }
  | { kind: "signal"; appointmentId: string; from: PeerKey; to: PeerKey; payload: string }
  /**
   * Who takes part changed (an invitation, a companion arriving, admitted or removed): the rooms read it
   * again; a `removed` person's page is told so (and its sockets close).
   */
  | { kind: "participants"; appointmentId: string; removed?: PeerKey; invitedUserId?: string }
  | {
      kind: "presence";
      appointmentId: string;
      role: Participant;
      peer: PeerKey;
      present: boolean;
      /** True when answering another socket's arrival (so that nobody answers an answer). */
      reply: boolean;
      /** A reply is for the one who arrived only (the others know this side is here). */
      to?: PeerKey;
      socketId: string;
      /** Left on purpose ("End call"), not dropped: the other side is told so. */
      hungUp?: boolean;
    }
  /**
   * Whether a patient is here now (their consultation room page is open) after a page of theirs opened or
   * closed, or was found gone: the whole state, so that the last event of an appointment is the truth.
   */
  | PatientPresenceEvent
  /** A doctor's hours, time off or extra hours changed: their free slots changed. */
  | { kind: "availability"; doctorId: string }
  /** The clinic's settings changed (time zone, notice, horizon, join window). */
  | { kind: "settings" }
  /** Login sessions ended (sign-out, password change, deactivation): their live connections close. */
  /** A user's account changed (name, role, language, time zone): cached copies of their sessions are dropped. */
  | { kind: "user-changed"; userId: string }
  | { kind: "sessions-ended"; sessionIds: string[] }
  | { kind: "sessions-ended"; userId: string; except: string | null };

/** What the server sends down a room's WebSocket. */
export type ServerMessage =
  /**
   * The socket is open: the appointment's status as of now, and whether chat arrived that the page did not
   * have when it was read (the page reloads only if it shows another status, or missed chat).
   */
  | { type: "ready"; role: Participant; peer: PeerKey; status: AppointmentStatus; missedChat: boolean }
  /** This appointment's own status changed: the page reloads (what it shows changes). */
  | { type: "changed"; status: AppointmentStatus }
  /** Something may have been missed (events lost, or a change came without its queue): read the page again. */
  | { type: "stale" }
  /** A waiting patient's place in the queue (1 = next) and whether the doctor is in a call. */
  | { type: "queue"; position: number | null; inCall: boolean }
  /** For the doctor: another of their appointments changed (the waiting room updates in place). */
  | { type: "appointment"; appointmentId: string; status: AppointmentStatus; entry: AppointmentEntry | null }
  | { type: "chat"; message: ChatMessageView }
  | { type: "attachment"; attachment: AttachmentView }
  | { type: "signal"; from: PeerKey; data: SignalData }
  /** Someone else in the call came (or came back) or left; `hungUp`: they pressed "End call". */
  | { type: "peer"; peer: PeerKey; present: boolean; hungUp?: boolean }
  /** Who takes part changed: the page reads its list again. */
  | { type: "participants" }
  /** The doctor removed this person from the consultation: the page says so and the media stops. */
  | { type: "removed" }
  | { type: "error"; reason: string }
  | { type: "beat" };

/** What the schedule pages' event stream sends (`event: appointment`; `event: resync` means read everything again). */
export type StreamAppointment = {
  appointmentId: string;
  doctorId: string;
  status: AppointmentStatus;
  previous: AppointmentStatus | null | undefined;
  entry: AppointmentEntry | null;
  slotsChanged: boolean;
};

/** What a doctor's Today's event stream sends when a patient of theirs comes or goes (`event: presence`). */
export type StreamPresence = { appointmentId: string } & PatientPresence;

/** What a browser sends up: WebRTC signalling and chat. Checked with Zod on the server. */
export type ClientMessage =
  | { type: "join"; ticket: string }
  /** "End call": out of the call (the other side is told), still in the room, free to call again. */
  | { type: "leave" }
  | { type: "signal"; to: PeerKey; data: SignalData }
  | { type: "chat"; body: string; clientId: string };

export type SignalData =
  /** `restart`: an ICE restart of the connection there is (answered on it), not a fresh connection. */
  | { description: { type: "offer" | "answer"; sdp: string }; restart?: true }
  /** The patient's network changed: the doctor, who makes the offers, restarts ICE. */
  | { restartIce: true }
  | { candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null } | null }
  /**
   * How this side sends now: `audioOnly`, it asked for a call without video (both sides stop theirs);
   * `weak`, its connection could not hold its video, which it paused (its sound goes on).
   */
  | { media: { audioOnly: boolean; weak: boolean } };
