/**
 * What someone may do with an appointment now, and why not when they may not: cancel or reschedule it,
 * take a step of its consultation (check in, admit, end, mark a no-show), join its call. Pure rules over
 * the appointment, the actor, the clinic's settings and the time. Pages ask them which actions to offer;
 * use cases ask the same ones and throw `refusalError` when refused (a guarded UPDATE in the database
 * still settles two requests racing each other).
 */
import { APPOINTMENT_STATUSES, type AppointmentStatus, type Role } from "~/domain/vocabulary";
import { isInside, joinWindow, type JoinWindowSettings } from "~/features/consultation/join-window";
import { ConflictError, ForbiddenError, type DomainError } from "~/utils/errors";

const MINUTE = 60_000;

/** An appointment still ahead or under way: it holds its room, its chat and its place in "upcoming". */
export const ACTIVE_STATUSES = ["booked", "checked_in", "in_consultation"] as const satisfies readonly AppointmentStatus[];

export function isActive(status: AppointmentStatus): boolean {
  return (ACTIVE_STATUSES as readonly AppointmentStatus[]).includes(status);
}

/** Completed, cancelled or missed: the appointment is over. */
export const FINISHED_STATUSES: readonly AppointmentStatus[] = APPOINTMENT_STATUSES.filter((status) => !isActive(status));

/** Clinic staff may cancel or move an appointment until the doctor admits the patient. */
export const STAFF_CHANGEABLE_STATUSES = ["booked", "checked_in"] as const satisfies readonly AppointmentStatus[];

/** A no-show may be marked this long after the start if the patient never checked in. */
export const NO_SHOW_AFTER_MINUTES = 10;

export type PolicyActor = { id: string; role: Role };

/** What the rules read of an appointment: its status, its time and whose it is. */
export type PolicyAppointment = {
  status: AppointmentStatus;
  startsAt: Date;
  endsAt: Date;
  patientId: string;
  doctorUserId: string;
};

export type Refusal =
  /** The actor has no part in this action on this appointment. */
  | { reason: "notYours" }
  /** Its status no longer allows cancelling or moving it. */
  | { reason: "notChangeable" }
  /** The patient's own cut-off for changes online has passed. */
  | { reason: "pastCutoff"; deadline: Date; cutoffMinutes: number }
  /** The consultation is not at the status this action starts from. */
  | { reason: "wrongState" }
  | { reason: "outsideJoinWindow"; opensAt: Date; closesAt: Date }
  | { reason: "noShowTooEarly"; from: Date };

export type Verdict = { allowed: true } | ({ allowed: false } & Refusal);

const ALLOWED: Verdict = { allowed: true };
const refused = (refusal: Refusal): Verdict => ({ allowed: false, ...refusal });

type Standing = "patient" | "doctor" | "staff";

/** Who the actor is to this appointment: its patient, its doctor, clinic staff (admins too), or nobody. */
function standingOf(actor: PolicyActor, appointment: PolicyAppointment): Standing | null {
  if (actor.role === "staff" || actor.role === "admin") return "staff";
  if (actor.role === "patient" && actor.id === appointment.patientId) return "patient";
  if (actor.role === "doctor" && actor.id === appointment.doctorUserId) return "doctor";
  return null;
}

/** The last moment the patient may cancel or move the appointment online. */
export function changeDeadline(appointment: { startsAt: Date }, settings: { cancellationCutoffMinutes: number }): Date {
  return new Date(appointment.startsAt.getTime() - settings.cancellationCutoffMinutes * MINUTE);
}

/**
 * Cancelling and rescheduling are one rule. Clinic staff may until the doctor admits the patient; the
 * patient, while it is booked and before the clinic's cut-off (afterwards they call the clinic); the
 * doctor never (they ask staff).
 */
export function mayCancelOrReschedule(
  appointment: PolicyAppointment,
  actor: PolicyActor,
  settings: { cancellationCutoffMinutes: number },
  now: Date,
): Verdict {
  switch (standingOf(actor, appointment)) {
    case "staff":
      return (STAFF_CHANGEABLE_STATUSES as readonly AppointmentStatus[]).includes(appointment.status)
        ? ALLOWED
        : refused({ reason: "notChangeable" });
    case "patient": {
      if (appointment.status !== "booked") return refused({ reason: "notChangeable" });
      const deadline = changeDeadline(appointment, settings);
      if (now >= deadline) return refused({ reason: "pastCutoff", deadline, cutoffMinutes: settings.cancellationCutoffMinutes });
      return ALLOWED;
    }
    default:
      return refused({ reason: "notYours" });
  }
}

/**
 * The steps of a consultation: who takes each, the status it starts from and leads to, and when. Check-in
 * and admission happen inside the join window; a no-show is marked from some minutes after the start.
 */
export const CONSULTATION_STEPS = {
  checkIn: { by: ["patient"], from: "booked", to: "checked_in", when: "inJoinWindow" },
  admit: { by: ["doctor"], from: "checked_in", to: "in_consultation", when: "inJoinWindow" },
  end: { by: ["doctor"], from: "in_consultation", to: "completed", when: "anytime" },
  noShow: { by: ["doctor", "staff"], from: "booked", to: "no_show", when: "afterNoShowTime" },
} as const satisfies Record<
  string,
  { by: readonly Standing[]; from: AppointmentStatus; to: AppointmentStatus; when: "inJoinWindow" | "afterNoShowTime" | "anytime" }
>;

export type ConsultationStep = keyof typeof CONSULTATION_STEPS;

/** From when a no-show may be marked. */
export function noShowFrom(appointment: { startsAt: Date }): Date {
  return new Date(appointment.startsAt.getTime() + NO_SHOW_AFTER_MINUTES * MINUTE);
}

function insideJoinWindow(appointment: PolicyAppointment, settings: JoinWindowSettings, now: Date): Verdict {
  const window = joinWindow(appointment, settings);
  return isInside(window, now) ? ALLOWED : refused({ reason: "outsideJoinWindow", ...window });
}

/** Whether the actor may take this step of the appointment's consultation now. */
export function mayTakeStep(
  step: ConsultationStep,
  appointment: PolicyAppointment,
  actor: PolicyActor,
  settings: JoinWindowSettings,
  now: Date,
): Verdict {
  const rule = CONSULTATION_STEPS[step];
  const standing = standingOf(actor, appointment);
  if (!standing || !(rule.by as readonly Standing[]).includes(standing)) return refused({ reason: "notYours" });
  if (appointment.status !== rule.from) return refused({ reason: "wrongState" });
  switch (rule.when) {
    case "inJoinWindow":
      return insideJoinWindow(appointment, settings, now);
    case "afterNoShowTime": {
      const from = noShowFrom(appointment);
      return now >= from ? ALLOWED : refused({ reason: "noShowTooEarly", from });
    }
    case "anytime":
      return ALLOWED;
  }
}

/**
 * The call, the room's socket and its chat are for the appointment's patient and doctor, while the
 * appointment is active, inside the join window.
 */
export function mayJoin(appointment: PolicyAppointment, actor: PolicyActor, settings: JoinWindowSettings, now: Date): Verdict {
  const standing = standingOf(actor, appointment);
  if (standing !== "patient" && standing !== "doctor") return refused({ reason: "notYours" });
  if (!isActive(appointment.status)) return refused({ reason: "wrongState" });
  return insideJoinWindow(appointment, settings, now);
}

/** The typed error a use case throws for a refusal (routes turn it into HTTP in one place). */
export function refusalError(refusal: Refusal): DomainError {
  switch (refusal.reason) {
    case "notYours":
      return new ForbiddenError();
    case "notChangeable":
      return new ConflictError("booking.notChangeable");
    case "pastCutoff":
      return new ConflictError("booking.pastCutoff", { cutoffMinutes: refusal.cutoffMinutes });
    case "wrongState":
      return new ConflictError("consult.wrongState");
    case "outsideJoinWindow":
      return new ConflictError("consult.outsideWindow");
    case "noShowTooEarly":
      return new ConflictError("consult.noShowTooEarly");
  }
}

/** Throws the refusal's typed error unless the verdict allows. */
export function assertAllowed(verdict: Verdict): void {
  if (!verdict.allowed) throw refusalError(verdict);
}
