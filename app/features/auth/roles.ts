/** What each role may reach and where it lands: the rules of roles (the list itself is domain vocabulary). */
import type { Role } from "~/domain/vocabulary";

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
    case "guest":
      return "/";
  }
}

/** Roles that may turn on a second factor (an authenticator app). */
export const SECOND_FACTOR_ROLES = ["admin", "doctor"] as const satisfies readonly Role[];

export function mayUseSecondFactor(role: Role): boolean {
  return (SECOND_FACTOR_ROLES as readonly Role[]).includes(role);
}

/** An admin's session must have proved a second factor before any page works for it. */
export function secondFactorRequired(role: Role): boolean {
  return role === "admin";
}
