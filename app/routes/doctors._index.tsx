import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listDepartments, listDoctors } from "~/features/directory/list-doctors.server";
import { useT, useViewer } from "~/i18n/use-t";
import { languageName, pick } from "~/utils/format";

const filterSchema = z.object({
  department: z.string().max(60).optional().catch(undefined),
  q: z.string().max(100).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [departments, doctors] = await Promise.all([
    listDepartments(context.db),
    listDoctors(context.db, { departmentCode: params.department || undefined, query: params.q }),
  ]);
  return json({ departments, doctors, filter: params });
}

export default function DoctorDirectory() {
  const t = useT();
  const { locale } = useViewer();
  const { departments, doctors, filter } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{t("doctors.heading")}</h1>
      <Form method="get" className="filters" role="search">
        <label className="visually-hidden" htmlFor="department">
          {t("doctors.department")}
        </label>
        <select id="department" name="department" defaultValue={filter.department ?? ""}>
          <option value="">{t("doctors.allDepartments")}</option>
          {departments.map((d) => (
            <option key={d.code} value={d.code}>
              {pick(locale, d.nameZh, d.nameEn)}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="q">
          {t("doctors.search")}
        </label>
        <input id="q" name="q" type="search" placeholder={t("doctors.search")} defaultValue={filter.q ?? ""} />
        <button type="submit" className="button">
          {t("doctors.searchButton")}
        </button>
      </Form>
      <p className="muted" aria-live="polite">
        {t("doctors.count", { count: doctors.length })}
      </p>
      {doctors.length === 0 ? <p className="empty">{t("doctors.none")}</p> : null}
      <ul className="doctor-list">
        {doctors.map((d) => (
          <li key={d.id} className="card doctor-card">
            <div className="doctor-card__avatar" aria-hidden="true">
              {d.nameZh.slice(0, 1)}
            </div>
            <div>
              <h2 className="doctor-card__name">
                {pick(locale, d.nameZh, d.nameEn)}
                <span className="doctor-card__title">{t(`title.${d.title}`)}</span>
              </h2>
              <p className="doctor-card__department">{pick(locale, d.department.nameZh, d.department.nameEn)}</p>
              <p className="tags">
                {d.specialties.map((s) => (
                  <span key={s.en} className="tag">
                    {pick(locale, s.zh, s.en)}
                  </span>
                ))}
              </p>
              <p className="muted">
                {t("doctors.languages")}: {d.languages.map((code) => languageName(code, locale)).join(locale === "zh-CN" ? "、" : ", ")}
                {" · "}
                {t("doctors.consultationLength", { minutes: d.minutes })}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}
