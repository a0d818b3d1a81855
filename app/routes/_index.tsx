import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listDepartments } from "~/features/directory/list-doctors.server";
import { useT, useViewer } from "~/i18n/use-t";
import { pick } from "~/utils/format";

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ departments: await listDepartments(context.db), signedIn: Boolean(context.auth.user) });
}

export default function Home() {
  const t = useT();
  const { locale } = useViewer();
  const { departments, signedIn } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
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
