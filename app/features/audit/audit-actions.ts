/**
 * Every action the audit trail records. Each has a label in both dictionaries (`audit.action.<name>`),
 * shown on the admin's audit page.
 */
export const AUDIT_ACTIONS = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "auth.signed_out",
  "auth.password_changed",
  "auth.password_change_failed",
  "account.created",
  "account.deactivated",
  "account.reactivated",
  "account.updated",
  "second_factor.enabled",
  "second_factor.disabled",
  "second_factor.reset",
  "second_factor.recovery_code_used",
  "clinic.settings_changed",
  "appointment.booked",
  "appointment.rescheduled",
  "appointment.cancelled",
  "appointment.details_viewed",
  "appointment.checked_in",
  "appointment.admitted",
  "appointment.ended",
  "appointment.no_show",
  "join_link.created",
  "join_link.used",
  "join_link.refused",
  "video.token_issued",
  "patient_profile.updated",
  "patient_record.viewed",
  "note.viewed",
  "note.edited",
  "note.signed",
  "note.amended",
  "schedule.exported",
  "audit.exported",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audit row is about; `entityId` names one of these. */
export const AUDIT_ENTITY_TYPES = [
  "user",
  "clinic_settings",
  "appointment",
  "consult_note",
  "patient_profile",
  "consultation",
  "clinic_schedule",
  "audit_trail",
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];
