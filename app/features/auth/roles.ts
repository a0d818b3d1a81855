/** Who a user is to the clinic. The database's `role` enum is built from this list. */
export const ROLES = ["patient", "doctor", "staff", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Roles that work for the hospital and are created by an admin, never by self-registration. */
export const HOSPITAL_ROLES = ["doctor", "staff", "admin"] as const satisfies readonly Role[];

/** Where each role lands after signing in. */
export function homeFor(role: Role): string {
  switch (role) {
    case "patient":
      return "/appointments";
    case "doctor":
      return "/doctor/today";
    case "staff":
    case "admin":
      return "/clinic/schedule";
  }
}
