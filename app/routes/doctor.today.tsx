import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StatusBadge } from "~/components/appointment-card";
import { useLiveReload } from "~/components/use-live-reload";
import { requireRole } from "~/features/auth/guards.server";
import { listDoctorAppointments } from "~/features/booking/appointment-access.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { listWaiting } from "~/features/consultation/room.server";
import { findDoctorByUser } from "~/features/directory/doctor-profile.server";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDate, formatDateTime, pick } from "~/utils/format";
import { addDays, localDateOf, zonedToInstant } from "~/utils/zoned-time";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["doctor"]);
  const [doctor, clinic] = await Promise.all([findDoctorByUser(context.db, user.id), getClinicSettings(context.db)]);
  if (!doctor) throw new Response("No doctor profile", { status: 403 });
  const now = new Date();
  const today = localDateOf(now, clinic.timeZone);
  const appointments = await listDoctorAppointments(
    context.db,
    doctor.id,
    zonedToInstant(today, 0, clinic.timeZone),
    zonedToInstant(addDays(today, 1), 0, clinic.timeZone),
  );
  const waiting = await listWaiting(context.db, doctor.id);
  const checkedIn = new Map(waiting.map((w) => [w.appointmentId, w.checkedInAt?.toISOString() ?? null]));
  return json(
    {
      doctor,
      clinicTimeZone: clinic.timeZone,
      now: now.toISOString(),
      appointments: appointments.map((a) => ({
        id: a.id,
        startsAt: a.startsAt.toISOString(),
        endsAt: a.endsAt.toISOString(),
        status: a.status,
        patientName: a.patient.displayName,
        reason: a.reason,
        checkedInAt: checkedIn.get(a.id) ?? null,
      }))
      // Waiting patients first (longest wait first), then the rest in time order.
      .sort((x, y) => Number(y.status === "checked_in") - Number(x.status === "checked_in") || (x.checkedInAt ?? x.startsAt).localeCompare(y.checkedInAt ?? y.startsAt)),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export default function DoctorToday() {
  const t = useT();
  const { locale } = useViewer();
  const { doctor, clinicTimeZone, now, appointments } = useLoaderData<typeof loader>();
  useLiveReload(now);
  const time = (iso: string) => formatDateTime(iso, locale, clinicTimeZone, { hour: "2-digit", minute: "2-digit" });
  return (
    <main id="main" className="page">
      <h1>{t("doctorToday.heading")}</h1>
      <p className="lead">
        {t("doctorToday.date", {
          date: formatDate(now, locale, clinicTimeZone),
          department: pick(locale, doctor.department.nameZh, doctor.department.nameEn),
        })}
      </p>
      {appointments.length === 0 ? (
        <div className="card empty">
          <p>{t("doctorToday.empty")}</p>
        </div>
      ) : (
        <ul className="appointment-list">
          {appointments.map((a) => (
            <li key={a.id} className="card appointment-card" data-status={a.status}>
              <div className="appointment-card__when">
                <strong>
                  {time(a.startsAt)}–{time(a.endsAt)}
                </strong>
                <StatusBadge status={a.status} />
                {a.status === "checked_in" && a.checkedInAt ? (
                  <span className="muted small">
                    {t("consult.waitingSince", {
                      minutes: Math.max(0, Math.floor((new Date(now).getTime() - new Date(a.checkedInAt).getTime()) / 60_000)),
                    })}
                  </span>
                ) : null}
              </div>
              <div>
                <strong>{a.patientName}</strong>
                <p className="muted small prewrap">{a.reason}</p>
              </div>
              <Link className="button button--small" to={`/consult/${a.id}`}>
                {t("consult.open")}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
