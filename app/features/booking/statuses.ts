/** The life of an appointment. The database's `appointment_status` enum is built from this list. */
export const APPOINTMENT_STATUSES = [
  "booked",
  "checked_in",
  "in_consultation",
  "completed",
  "cancelled",
  "no_show",
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

