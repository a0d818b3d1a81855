import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { JoinPrompt } from "~/components/join-prompt";
import { OfferNotices } from "~/components/waitlist";
import { upcomingAppointments } from "~/features/booking/appointment-access.server";
import { promptData } from "~/features/consultation/join-window";
import { listDepartments } from "~/features/directory/list-doctors.server";
import { patientWaitlist } from "~/features/waitlist/waitlist.server";
import { useT, useViewer } from "~/i18n/use-t";
import { pick } from "~/utils/format";

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.auth.user;
  const now = new Date();
  // A signed-in patient whose consultation is open, or opens within the hour, is one tap from it here.
  const joinable =
    user?.role === "patient" ? (await upcomingAppointments(context.db, user.id, now)).find((a) => a.join) : undefined;
  // A freed time held for the patient (the waitlist): "Take this time" or "No thanks" from here too.
  const offers = user?.role === "patient" ? (await patientWaitlist(context.db, user.id, now)).offers : [];
  return json({
    offers: offers.map((o) => ({ ...o, startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString(), expiresAt: o.expiresAt.toISOString() })),
    departments: await listDepartments(context.db),
    signedIn: Boolean(user),
    join: joinable ? { id: joinable.id, doctor: joinable.doctor, prompt: promptData(joinable.join)! } : null,
    now: now.toISOString(),
  });
}

export default function Home() {
  const t = useT();
  const { locale } = useViewer();
  const { departments, signedIn, join, now, offers } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      {join ? (
        <JoinPrompt appointmentId={join.id} doctorName={pick(locale, join.doctor.nameZh, join.doctor.nameEn)} prompt={join.prompt} now={now} />
      ) : null}
      <OfferNotices offers={offers} />
      <section className="hero">
        <h1>{t("home.heading")}</h1>
        <p className="lead">{t("home.lead")}</p>
        <div className="hero__actions">
          <Link className="button button--primary" to="/doctors">
            {t("home.cta.book")}
          </Link>
          {signedIn ? null : (
            <Link className="button" to="/register">
              {t("home.cta.register")}
            </Link>
          )}
        </div>
      </section>
      <ol className="steps">
        {(["1", "2", "3"] as const).map((n) => (
          <li key={n} className="card">
            <span className="steps__number" aria-hidden="true">
              {n}
            </span>
            <h2>{t(`home.step${n}.title`)}</h2>
            <p>{t(`home.step${n}.body`)}</p>
          </li>
        ))}
      </ol>
      <section aria-labelledby="departments-heading">
        <h2 id="departments-heading">{t("home.departments")}</h2>
        <ul className="department-grid">
          {departments.map((d) => (
            <li key={d.id}>
              <Link className="card department-card" to={`/doctors?department=${d.code}`}>
                <strong>{pick(locale, d.nameZh, d.nameEn)}</strong>
                <span className="muted">{t("home.doctorsCount", { count: d.doctorCount })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <p className="muted">{t("home.staffNote")}</p>
    </main>
  );
}
