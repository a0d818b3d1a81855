/**
 * The domain's fixed words: plain lists and the types they name, at the bottom of the dependency graph.
 * The database's enums are built from them (db/schema) and every feature, route and component imports
 * them from here, so this file imports nothing and is safe in the browser.
 */

/** Who a user is to the clinic (the `role` enum). */
export const ROLES = ["patient", "doctor", "staff", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The life of an appointment (the `appointment_status` enum). */
export const APPOINTMENT_STATUSES = ["booked", "checked_in", "in_consultation", "completed", "cancelled", "no_show"] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Doctors' professional titles, most senior first (the `doctor_title` enum). */
export const DOCTOR_TITLES = ["chief", "associate_chief", "attending", "resident"] as const;
export type DoctorTitle = (typeof DOCTOR_TITLES)[number];

/** The product's languages (the `locale` enum). */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** A patient's sex as they state it in their health profile (the `sex` enum). */
export const SEXES = ["female", "male", "other"] as const;
export type Sex = (typeof SEXES)[number];
