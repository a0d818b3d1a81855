/**
 * A browser loads only the messages its viewer can meet. The hospital's own pages (a doctor's Today and
 * availability, the clinic board, the admin's pages, the patient record a doctor reads) are a part of
 * their own, "staff", that a patient's phone never downloads; everything else is "everyone". The server
 * renders with every message either way.
 */
import type { Role } from "~/domain/vocabulary";
import type { MessageKey } from "./en";

export const MESSAGE_PARTS = ["everyone", "staff"] as const;
export type MessagePart = (typeof MESSAGE_PARTS)[number];

/** The namespaces (a key's first word) only hospital people see. */
export const STAFF_NAMESPACES = ["admin", "audit", "availability", "doctorToday", "outbox", "record", "schedule", "settings"] as const;

export function partOfKey(key: MessageKey): MessagePart {
  return (STAFF_NAMESPACES as readonly string[]).includes(key.slice(0, key.indexOf("."))) ? "staff" : "everyone";
}

/** The parts a viewer's pages use: a visitor's and a patient's, everyone's; the hospital's people, both. */
export function partsFor(role: Role | null): MessagePart[] {
  return role && role !== "patient" ? ["everyone", "staff"] : ["everyone"];
}
