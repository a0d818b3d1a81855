import type { AppointmentStatus, DoctorTitle, Locale } from "~/domain/vocabulary";
import { translator } from "~/i18n";
import { pick } from "~/utils/format";
import { buildCalendar } from "./calendar";

export type CalendarAppointment = {
  id: string;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  status: AppointmentStatus;
  updatedAt: Date;
  doctor: { nameZh: string; nameEn: string; title: DoctorTitle };
};

/** The doctor as a patient's texts name them: "李明华 主任医师", "Li Minghua Chief Physician". */
export function doctorLabel(locale: Locale, doctor: CalendarAppointment["doctor"]): string {
  return `${pick(locale, doctor.nameZh, doctor.nameEn)} ${translator(locale)(`title.${doctor.title}`)}`;
}

/**
 * The appointment's .ics in a language: what "Add to calendar" downloads and what the messages attach
 * (one UID for its whole life, so a calendar updates the event it has; STATUS:CANCELLED once cancelled).
 * `url` is the appointment's page.
 */
export function appointmentCalendar(a: CalendarAppointment, locale: Locale, url: string, stamp: Date): string {
  const t = translator(locale);
  const doctor = doctorLabel(locale, a.doctor);
  return buildCalendar({
    appointmentId: a.id,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    sequence: a.sequence,
    cancelled: a.status === "cancelled",
    summary: t("calendar.summary", { doctor }),
    description: t("calendar.description", { doctor, url }),
    url,
    stamp,
    updatedAt: a.updatedAt,
  });
}
