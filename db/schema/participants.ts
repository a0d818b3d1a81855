import { sql } from "drizzle-orm";
import { check, index, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { PARTICIPANT_KINDS, PARTICIPANT_STATUSES } from "../../app/domain/vocabulary";
import { id, instant } from "./_columns";
import { appointments } from "./appointments";
import { users } from "./users";

export const participantKind = pgEnum("participant_kind", PARTICIPANT_KINDS);
export const participantStatus = pgEnum("participant_status", PARTICIPANT_STATUSES);

/**
 * Who takes part in a consultation besides its patient and its doctor: a colleague the doctor invited
 * (`userId`: that doctor's account), or a companion the patient invited by a one-time guest link (only
 * the SHA-256 of its token is kept; `userId` is the guest account made when the link was opened, with
 * the name they gave). The rows stay after the visit: the record of who took part. A call holds four
 * people at most (the peer-to-peer mesh): at most two rows of an appointment are not `removed`, which
 * the invitation checks under the appointment's row lock; and one companion at a time.
 */
export const consultationParticipants = pgTable(
  "consultation_participants",
  {
    id: id(),
    appointmentId: uuid("appointment_id")
      .notNull()
      .references(() => appointments.id, { onDelete: "cascade" }),
    kind: participantKind("kind").notNull(),
    status: participantStatus("status").notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    /** A companion's guest link: the SHA-256 (hex) of its token, opened once. */
    tokenHash: text("token_hash").unique(),
    invitedAt: instant("invited_at").notNull().defaultNow(),
    /** When the guest link was opened (it opens nothing after that). */
    linkUsedAt: instant("link_used_at"),
    admittedAt: instant("admitted_at"),
    removedAt: instant("removed_at"),
    removedBy: uuid("removed_by").references(() => users.id),
  },
  (t) => [
    index("consultation_participants_appointment_idx").on(t.appointmentId),
    index("consultation_participants_user_idx").on(t.userId).where(sql`${t.userId} is not null`),
    uniqueIndex("consultation_participants_once").on(t.appointmentId, t.userId).where(sql`${t.status} <> 'removed'`),
    uniqueIndex("consultation_participants_one_companion").on(t.appointmentId).where(sql`${t.kind} = 'companion' and ${t.status} <> 'removed'`),
    check("consultation_participants_colleague", sql`${t.kind} <> 'colleague' or (${t.userId} is not null and ${t.tokenHash} is null)`),
    check("consultation_participants_companion", sql`${t.kind} <> 'companion' or ${t.tokenHash} is not null`),
    check("consultation_participants_account", sql`(${t.userId} is null) = (${t.kind} = 'companion' and ${t.linkUsedAt} is null)`),
    check("consultation_participants_removed", sql`(${t.status} = 'removed') = (${t.removedAt} is not null)`),
  ],
);
