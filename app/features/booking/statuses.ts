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

/** Statuses of an appointment that is still ahead and may be moved or cancelled. */
export const CHANGEABLE_STATUSES = ["booked"] as const satisfies readonly AppointmentStatus[];
