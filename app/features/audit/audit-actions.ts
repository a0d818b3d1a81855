/** Every action the audit trail records. */
export const AUDIT_ACTIONS = [
  "appointment.checked_in",
  "appointment.admitted",
  "appointment.ended",
  "appointment.no_show",
  "appointment.cancelled",
  "appointment.rescheduled",
  "video.token_issued",
  "note.viewed",
  "note.edited",
  "note.signed",
  "note.amended",
  "account.created",
  "account.deactivated",
  "account.reactivated",
  "second_factor.enabled",
  "second_factor.disabled",
  "second_factor.reset",
  "second_factor.recovery_code_used",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
