import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AppointmentCard } from "~/components/appointment-card";
import { JoinPrompt } from "~/components/join-prompt";
import { requireRole } from "~/features/auth/guards.server";
import { listPatientAppointments } from "~/features/booking/appointment-access.server";
import { promptData } from "~/features/consultation/join-window";
import { useT, useViewer } from "~/i18n/use-t";
import { pick } from "~/utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireRole(request, context, ["patient"]);
  const now = new Date();
  const { upcoming, past } = await listPatientAppointments(context.db, user.id, now);
  const summary = (a: (typeof upcoming)[number] | (typeof past)[number]) => ({
    id: a.id,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    status: a.status,
    doctor: a.doctor,
    department: a.department,
  });
  return json(
    {
      upcoming: upcoming.map((a) => ({ ...summary(a), join: promptData(a.join) })),
      past: past.map((a) => ({ ...summary(a), summaryReady: a.summaryReady })),
      now: now.toISOString(),
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export default function MyAppointments() {
  const t = useT();
  const { locale } = useViewer();
  const { upcoming, past, now } = useLoaderData<typeof loader>();
  if (upcoming.length === 0 && past.length === 0) {
    return (
      <main id="main" className="page">
        <h1>{t("appointments.heading")}</h1>
        <div className="card empty">
          <p>{t("appointments.empty")}</p>
          <Link className="button button--primary" to="/doctors">
            {t("appointments.findDoctor")}
          </Link>
        </div>
      </main>
    );
  }
  return (
    <main id="main" className="page">
      <h1>{t("appointments.heading")}</h1>
      <h2>{t("appointments.upcoming")}</h2>
      {upcoming.length === 0 ? (
        <p className="muted">
          {t("appointments.noUpcoming")} <Link to="/doctors">{t("appointments.findDoctor")}</Link>
        </p>
      ) : (
        <ul className="appointment-list">
          {upcoming.map((a) => (
            <AppointmentCard key={a.id} appointment={a}>
              {a.join ? (
                <JoinPrompt appointmentId={a.id} doctorName={pick(locale, a.doctor.nameZh, a.doctor.nameEn)} prompt={a.join} now={now} />
              ) : null}
            </AppointmentCard>
          ))}
        </ul>
      )}
      {past.length > 0 ? (
        <>
          <h2>{t("appointments.past")}</h2>
          <ul className="appointment-list">
            {past.map((a) => (
              <AppointmentCard key={a.id} appointment={a} summaryReady={a.summaryReady} />
            ))}
          </ul>
        </>
      ) : null}
    </main>
  );
}
