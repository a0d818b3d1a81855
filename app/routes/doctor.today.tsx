import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { StatusBadge } from "~/components/appointment-card";
import type { AppointmentStatus } from "~/domain/vocabulary";
import { useDelegatedLinks } from "~/components/use-delegated-links";
import { useLiveState } from "~/components/use-live-stream";
import { requireRole } from "~/features/auth/guards.server";
import { listDoctorAppointments } from "~/features/booking/appointment-access.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { findDoctorByUser } from "~/features/directory/doctor-profile.server";
import { countByStatus } from "~/features/clinic-schedule/day-summary";
import { applyToToday, todayOrder } from "~/features/live/apply-change";
import { useT, useViewer } from "~/i18n/use-t";
import { dateTimeFormat, formatDate, pick } from "~/utils/format";
import { useClock } from "~/components/use-clock";
import { addDays, localDateOf, zonedToInstant } from "~/utils/zoned-time";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["doctor"]);
  const [doctor, clinic] = await Promise.all([findDoctorByUser(context.db, user.id), getClinicSettings(context.db)]);
  if (!doctor) throw new Response("No doctor profile", { status: 403 });
  const now = new Date();
  const today = localDateOf(now, clinic.timeZone);
  const from = zonedToInstant(today, 0, clinic.timeZone);
  const until = zonedToInstant(addDays(today, 1), 0, clinic.timeZone);
  const appointments = await listDoctorAppointments(context.db, doctor.id, from, until);
  return json(
    {
      doctor,
      clinicTimeZone: clinic.timeZone,
      now: now.toISOString(),
      day: { from: from.toISOString(), until: until.toISOString() },
      appointments: appointments
        .map((a) => ({
          id: a.id,
          startsAt: a.startsAt.toISOString(),
          endsAt: a.endsAt.toISOString(),
          status: a.status,
          patientName: a.patientName,
          reason: a.reason,
          checkedInAt: a.status === "checked_in" ? (a.checkedInAt?.toISOString() ?? null) : null,
        }))
        .sort(todayOrder),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export default function DoctorToday() {
  const t = useT();
  const { locale } = useViewer();
  const data = useLoaderData<typeof loader>();
  const { doctor, clinicTimeZone, day } = data;
  // What the loader read, then every pushed change applied to it in place.
  const appointments = useLiveState(data.appointments, data.now, (list, change) => applyToToday(list, change, day));
  const now = useClock(data.now);
  const onListClick = useDelegatedLinks();
  const timeFormat = dateTimeFormat(locale, clinicTimeZone, { hour: "2-digit", minute: "2-digit" });
  const time = (iso: string) => timeFormat.format(Date.parse(iso));
  return (
    <main id="main" className="page">
      <h1>{t("doctorToday.heading")}</h1>
      <p className="lead">
        {t("doctorToday.date", {
          date: formatDate(data.now, locale, clinicTimeZone),
          department: pick(locale, doctor.department.nameZh, doctor.department.nameEn),
        })}
      </p>
      {appointments.length > 0 ? <DayCounts counts={countByStatus(appointments)} /> : null}
      {appointments.length === 0 ? (
        <div className="card empty">
          <p>{t("doctorToday.empty")}</p>
        </div>
      ) : (
        // A doctor's day has dozens of rows: plain links, one click handler for the list.
        <ul className="appointment-list" onClick={onListClick}>
          {appointments.map((a) => (
            <li key={a.id} className="card appointment-card" data-status={a.status} data-appointment-id={a.id}>
              <div className="appointment-card__when">
                <strong>
                  {time(a.startsAt)}–{time(a.endsAt)}
                </strong>
                <StatusBadge status={a.status} />
                {a.status === "checked_in" && a.checkedInAt ? (
                  <span className="muted small">
                    {t("consult.waitingSince", {
                      minutes: Math.max(0, Math.floor((now - new Date(a.checkedInAt).getTime()) / 60_000)),
                    })}
                  </span>
                ) : null}
              </div>
              <div>
                <strong>{a.patientName}</strong>
                <p className="muted small prewrap">{a.reason}</p>
              </div>
              <a className="button button--small" href={`/consult/${a.id}`}>
                {t("consult.open")}
              </a>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

/** The day at a glance, in the order a doctor works through it: waiting, in a call, still to come, seen, missed, cancelled. */
const DAY_ORDER: AppointmentStatus[] = ["checked_in", "in_consultation", "booked", "completed", "no_show", "cancelled"];

function DayCounts({ counts }: { counts: Record<AppointmentStatus, number> }) {
  const t = useT();
  return (
    <ul className="day-counts" aria-label={t("doctorToday.counts")}>
      {DAY_ORDER.filter((status) => counts[status] > 0).map((status) => (
        <li key={status} data-status={status}>
          <StatusBadge status={status} /> <strong>{counts[status]}</strong>
        </li>
      ))}
    </ul>
  );
}
