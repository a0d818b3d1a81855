import type { Locale, MessageChannel, MessageKind } from "~/domain/vocabulary";
import { appointmentCalendar, doctorLabel, type CalendarAppointment } from "~/features/booking/appointment-calendar.server";
import { translator } from "~/i18n";
import { formatDateTime, pick } from "~/utils/format";
import { MESSAGE_DEFINITIONS } from "./message-kinds";

/** What a message is about, as the outbox's row and its joins give it. */
export type MessageSubject = {
  kind: MessageKind;
  channel: MessageChannel;
  locale: Locale;
  patient: { displayName: string; timeZone: string };
  clinic: { nameZh: string; nameEn: string; timeZone: string };
  appointment: (CalendarAppointment & { department: { nameZh: string; nameEn: string } }) | null;
  /** A freed time held for the patient (`slot_offered`), until `expiresAt`. */
  offer?: { startsAt: Date; expiresAt: Date; doctor: CalendarAppointment["doctor"]; department: { nameZh: string; nameEn: string } } | null;
};

export type RenderedMessage = {
  subject: string;
  /** The email's text. */
  text: string;
  /** The SMS's text. */
  sms: string;
  /** The .ics attached to the email, for kinds that carry one. */
  calendar: { filename: string; content: string } | null;
};

/**
 * A message in the patient's language and time zone (the clinic's zone named beside the time when it is
 * not theirs). `joinUrl` is the personal join link it carries, or the appointment's page when none was
 * made (a message kept in the outbox). Never the reason for the visit or anything from the note.
 */
export function renderMessage(m: MessageSubject, links: { publicUrl: string; joinUrl: string | null }, now: Date): RenderedMessage {
  const t = translator(m.locale);
  const params = textParams(m, links);
  const a = m.appointment;
  const withCalendar = a && MESSAGE_DEFINITIONS[m.kind].calendar;
  return {
    subject: t(`message.${m.kind}.subject`, params),
    text: t(`message.${m.kind}.body`, params),
    sms: t(`message.${m.kind}.sms`, params),
    calendar: withCalendar ? { filename: `yunzhen-${a.id.slice(0, 8)}.ics`, content: appointmentCalendar(a, m.locale, params.url, now) } : null,
  };
}

/** The subject alone (the admin's outbox, for a message not sent yet). */
export function messageSubject(m: MessageSubject, publicUrl: string): string {
  return translator(m.locale)(`message.${m.kind}.subject`, textParams(m, { publicUrl, joinUrl: null }));
}

function textParams(m: MessageSubject, links: { publicUrl: string; joinUrl: string | null }) {
  // An offer's notice speaks of its time and doctor as an appointment's does; it leads to My appointments.
  const a = m.appointment ?? m.offer ?? null;
  const url = new URL(m.appointment ? `/appointments/${m.appointment.id}` : "/appointments", links.publicUrl).toString();
  const zone = m.patient.timeZone;
  const inZone = zone === m.clinic.timeZone ? "" : ` (${zone})`;
  const time = a ? formatDateTime(a.startsAt, m.locale, zone, { dateStyle: "full", timeStyle: "short" }) + inZone : "";
  const until = m.offer ? formatDateTime(m.offer.expiresAt, m.locale, zone, { timeStyle: "short" }) + inZone : "";
  return {
    patient: m.patient.displayName,
    doctor: a ? doctorLabel(m.locale, a.doctor) : "",
    department: a ? pick(m.locale, a.department.nameZh, a.department.nameEn) : "",
    time,
    until,
    url,
    joinUrl: links.joinUrl ?? url,
    clinic: pick(m.locale, m.clinic.nameZh, m.clinic.nameEn),
  };
}
