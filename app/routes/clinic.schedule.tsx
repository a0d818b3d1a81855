import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { listDoctors } from "~/features/directory/list-doctors.server";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDate, pick } from "~/utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["staff", "admin"]);
  const [clinic, doctors] = await Promise.all([getClinicSettings(context.db), listDoctors(context.db, {})]);
  return json({ clinicTimeZone: clinic.timeZone, doctors, now: new Date().toISOString() });
}

export default function ClinicSchedule() {
  const t = useT();
  const { locale } = useViewer();
  const { clinicTimeZone, doctors, now } = useLoaderData<typeof loader>();
  const byDepartment = new Map<string, typeof doctors>();
  for (const d of doctors) {
    const name = pick(locale, d.department.nameZh, d.department.nameEn);
    byDepartment.set(name, [...(byDepartment.get(name) ?? []), d]);
  }
  return (
    <main id="main" className="page page--wide">
      <h1>{t("schedule.heading")}</h1>
      <p className="lead">
        {t("schedule.lead", { date: formatDate(now, locale, clinicTimeZone), timeZone: clinicTimeZone })}
      </p>
      <p className="muted">{t("schedule.doctors", { count: doctors.length, departments: byDepartment.size })}</p>
      {[...byDepartment].map(([department, list]) => (
        <section key={department} className="card">
          <h2>{department}</h2>
          <ul className="plain-list">
            {list.map((d) => (
              <li key={d.id}>
                {pick(locale, d.nameZh, d.nameEn)} · <span className="muted">{t(`title.${d.title}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
