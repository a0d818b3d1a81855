/**
 * Who may attach files to an appointment, and who may see them. Pure rules: the appointment's page, the
 * room and the booking form offer what these allow; the use cases ask them again before every write and
 * every read (and the database's row lock settles two uploads racing for the last place).
 *
 * - Its patient attaches photos and reports for the visit while it is ahead or under way.
 * - Its doctor attaches to the visit summary (an advice sheet) during the consultation and after it.
 * - Its patient and its doctor see them, during the visit and afterwards. Nobody else does: clinic staff
 *   run the schedule, not the record, and a file that is not yours does not exist for you (404).
 */
import type { AppointmentStatus, AttachmentPurpose, Role } from "~/domain/vocabulary";
import { isActive } from "~/features/booking/appointment-policy";
import { MAX_FILES_PER_APPOINTMENT } from "./file-check";

export type AttachmentActor = { id: string; role: Role };
export type AttachmentAppointment = { status: AppointmentStatus; patientId: string; doctorUserId: string };

export type AttachVerdict =
  | { allowed: true; purpose: AttachmentPurpose }
  | { allowed: false; reason: "notYours" | "closed" | "full" };

/** Whether the actor may see this appointment's files: its patient and its doctor only. */
export function mayViewAttachments(actor: AttachmentActor, appointment: AttachmentAppointment): boolean {
  return (
    (actor.role === "patient" && actor.id === appointment.patientId) || (actor.role === "doctor" && actor.id === appointment.doctorUserId)
  );
}

/** Whether the actor may attach one more file now (`count`: the files it holds), and for what. */
export function mayAttach(actor: AttachmentActor, appointment: AttachmentAppointment, count: number): AttachVerdict {
  if (!mayViewAttachments(actor, appointment)) return { allowed: false, reason: "notYours" };
  const open =
    actor.role === "patient" ? isActive(appointment.status) : appointment.status === "in_consultation" || appointment.status === "completed";
  if (!open) return { allowed: false, reason: "closed" };
  if (count >= MAX_FILES_PER_APPOINTMENT) return { allowed: false, reason: "full" };
  return { allowed: true, purpose: actor.role === "patient" ? "visit" : "summary" };
}
