/** Doctors' professional titles, most senior first. The database's `doctor_title` enum is built from it. */
export const DOCTOR_TITLES = ["chief", "associate_chief", "attending", "resident"] as const;
export type DoctorTitle = (typeof DOCTOR_TITLES)[number];
