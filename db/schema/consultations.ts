import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, jsonb, pgEnum, pgTable, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { JOIN_MODES } from "../../app/domain/vocabulary";
import { id, instant, timestamps } from "./_columns";
import { appointments } from "./appointments";
import { users } from "./users";

export const joinMode = pgEnum("join_mode", JOIN_MODES);

/**
 * The call that happens for an appointment. The room name is random (128 bits, hex) and carries no
 * personal data; video providers know the call only by it.
 */
export const consultations = pgTable("consultations", {
  appointmentId: uuid("appointment_id")
    .primaryKey()
    .references(() => appointments.id, { onDelete: "cascade" }),
  roomName: text("room_name").notNull().unique(),
  checkedInAt: instant("checked_in_at"),
  /** How the patient checked in to join (null before check-in): the doctor sees it before Admit. */
  joinMode: joinMode("join_mode"),
  admittedAt: instant("admitted_at"),
  endedAt: instant("ended_at"),
  ...timestamps,
});

/**
 * The patient's open consultation-room pages, one row a WebSocket: who is here now, and since when they
 * are away. The worker that holds the socket writes its row when it opens and closes, and moves
 * `seen_at` on while it lives (every heartbeat); a row whose `seen_at` stopped moving (its instance died)
 * counts as away from `seen_at`, and the next sweep of any worker closes it. The instants come from the
 * app's clock, never the database's, so that every worker and test judges them alike.
 */
export const roomPresence = pgTable(
  "room_presence",
  {
    socketId: uuid("socket_id").primaryKey(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    connectedAt: instant("connected_at").notNull(),
    seenAt: instant("seen_at").notNull(),
    closedAt: instant("closed_at"),
  },
  (t) => [
    index("room_presence_appointment_idx").on(t.appointmentId),
    index("room_presence_open_idx").on(t.seenAt).where(sql`${t.closedAt} is null`),
    check("room_presence_in_order", sql`${t.seenAt} >= ${t.connectedAt} and (${t.closedAt} is null or ${t.closedAt} >= ${t.connectedAt})`),
  ],
);

/** Chat in the call: plain text, stored, shown to both sides. */
export const chatMessages = pgTable(
  "chat_messages",
  {
    id: id(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    senderId: uuid("sender_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    /**
     * Chosen by the sender's browser. A browser resends a message until it sees it come back, so the
     * same message may arrive twice (a connection cut mid-send); it is stored once.
     */
    clientId: uuid("client_id").notNull().defaultRandom(),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("chat_messages_appointment_idx").on(t.appointmentId, t.createdAt),
    unique("chat_messages_once").on(t.appointmentId, t.senderId, t.clientId),
    check("chat_messages_body_length", sql`char_length(${t.body}) between 1 and 1000`),
  ],
);

/**
 * The doctor's consult note (SOAP, diagnosis, advice for the patient). `version` rises with every save:
 * a save names the version it started from, and a stale one is refused (optimistic concurrency).
 * Once signed, the note never changes again; only addenda follow.
 */
export const consultNotes = pgTable("consult_notes", {
  appointmentId: uuid("appointment_id")
    .primaryKey()
    .references(() => appointments.id, { onDelete: "cascade" }),
  authorId: uuid("author_id")
    .notNull()
    .references(() => users.id),
  subjective: text("subjective").notNull().default(""),
  objective: text("objective").notNull().default(""),
  assessment: text("assessment").notNull().default(""),
  plan: text("plan").notNull().default(""),
  diagnosis: text("diagnosis").notNull().default(""),
  advice: text("advice").notNull().default(""),
  version: integer("version").notNull().default(1),
  signedAt: instant("signed_at"),
  signedBy: uuid("signed_by").references(() => users.id),
  ...timestamps,
});

export const noteAddenda = pgTable(
  "note_addenda",
  {
    id: id(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => consultNotes.appointmentId, { onDelete: "cascade" }),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("note_addenda_appointment_idx").on(t.appointmentId, t.createdAt),
    check("note_addenda_body_length", sql`char_length(${t.body}) between 1 and 5000`),
  ],
);

/**
 * Append-only audit trail: who did what to which record, when and from where. The database refuses
 * UPDATE, DELETE and TRUNCATE on it (a trigger), and on PostgreSQL the app's role holds only INSERT and
 * SELECT on it. Each row is a link of a hash chain (`seq`, `prev_hash`, `hash`), stamped by a trigger
 * under a lock, so that a row removed or changed even by the table's owner shows: `npm run audit:verify`.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Set by the database (the transaction's time, the same instant as the change it records). */
    at: instant("at").notNull().defaultNow(),
    /** No foreign key: the trail outlives the accounts it names. */
    actorId: uuid("actor_id"),
    /** The actor's role when they acted (it may change later). */
    actorRole: text("actor_role"),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    /** The patient whose record or account the event concerns, if any: the admin filters by it. */
    patientId: uuid("patient_id"),
    clientAddress: text("client_address"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    // The chain: a row is linked into it just after its transaction commits, by `audit_seal()` (which
    // every app process calls twice a second). Until then these are null; whatever an insert says is replaced.
    /** Position in the chain: 1, 2, 3, … with no gap. */
    seq: bigint("seq", { mode: "number" }),
    /** `hash` of the row before (64 zeros for the first). */
    prevHash: text("prev_hash"),
    /** SHA-256 (hex) of this row's content and `prev_hash`. */
    hash: text("hash"),
  },
  (t) => [
    index("audit_events_entity_idx").on(t.entityType, t.entityId, t.at),
    uniqueIndex("audit_events_seq_key").on(t.seq),
    // The admin's filters, each in the page's order (newest first): keyset pagination over millions of rows.
    index("audit_events_at_idx").on(t.at, t.id),
    index("audit_events_actor_idx").on(t.actorId, t.at, t.id).where(sql`${t.actorId} is not null`),
    index("audit_events_patient_idx").on(t.patientId, t.at, t.id).where(sql`${t.patientId} is not null`),
    index("audit_events_action_idx").on(t.action, t.at, t.id),
    // The rows waiting to be linked into the chain (a handful at any moment).
    index("audit_events_unsealed_idx").on(t.id).where(sql`${t.seq} is null`),
  ],
);

/**
 * Personal join links: a link that opens one appointment's consultation room on a device that never
 * signed in (a phone the patient picks up at 9 am). Only the SHA-256 (hex) of its random token (256
 * bits) is kept, so a copy of this table opens nothing. It works only inside the room's join window,
 * and is revoked (`revokedAt`) when the appointment is cancelled or moved; the patient makes a new one.
 */
export const joinLinks = pgTable(
  "join_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    createdAt: instant("created_at").notNull().defaultNow(),
    revokedAt: instant("revoked_at"),
  },
  (t) => [index("join_links_appointment_id_idx").on(t.appointmentId)],
);
