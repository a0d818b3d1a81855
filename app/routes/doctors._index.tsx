import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getBookingPolicy } from "~/features/booking/clinic-settings.server";
import { DIRECTORY_PAGE_SIZE, listDepartments, listDoctors, parseDirectorySearch } from "~/features/directory/list-doctors.server";
import { useDelegatedLinks } from "~/components/use-delegated-links";
import { useT, useViewer } from "~/i18n/use-t";
import { dateTimeFormat, languageName, pick } from "~/utils/format";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = parseDirectorySearch(new URL(request.url));
  const [departments, { doctors, total }, policy] = await Promise.all([
    listDepartments(context.db),
    listDoctors(context.db, { departmentCode: params.department || undefined, query: params.q }, params.page),
    getBookingPolicy(context.db),
  ]);
  const nextFree = await context.slots.nextFree(
    doctors.map((d) => d.id),
    policy,
    new Date(),
  );
  const withNextSlot = doctors.map((d) => {
    const free = nextFree.get(d.id);
    return { ...d, nextFree: free?.next?.toISOString() ?? null, freeThisWeek: free?.thisWeek ?? 0 };
  });
  return json({
    departments,
    doctors: withNextSlot,
    filter: params,
    total,
    pages: Math.max(1, Math.ceil(total / DIRECTORY_PAGE_SIZE)),
    horizonDays: policy.bookingHorizonDays,
  });
}

export default function DoctorDirectory() {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const { departments, doctors, filter, total, pages, horizonDays } = useLoaderData<typeof loader>();
  const onListClick = useDelegatedLinks();
  const nextFreeFormat = dateTimeFormat(locale, timeZone, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const pageHref = (page: number) => {
    const search = new URLSearchParams();
    if (filter.department) search.set("department", filter.department);
    if (filter.q) search.set("q", filter.q);
    if (page > 1) search.set("page", String(page));
    return `/doctors${search.size ? `?${search}` : ""}`;
  };
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
        {t("doctors.count", { count: total })}
        {pages > 1 ? ` · ${t("doctors.page", { page: filter.page, pages })}` : null}
      </p>
      {doctors.length === 0 ? (
        <div className="card empty">
          <p>{t("doctors.none")}</p>
          {/* Nobody for those words: every department, one tap each. */}
          <p>{t("doctors.tryDepartment")}</p>
          <ul className="department-links">
            {departments.map((d) => (
              <li key={d.code}>
                <Link className="button button--small" to={`/doctors?department=${encodeURIComponent(d.code)}`}>
                  {pick(locale, d.nameZh, d.nameEn)}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {/* Two links a doctor, twenty doctors a page: plain links, one click handler for the list. */}
      <ul className="doctor-list" onClick={onListClick}>
        {doctors.map((d) => (
          <li key={d.id} className="card doctor-card">
            <div className="doctor-card__avatar" aria-hidden="true">
              {d.nameZh.slice(0, 1)}
            </div>
            <div>
              <h2 className="doctor-card__name">
                <a href={`/doctors/${d.id}`}>{pick(locale, d.nameZh, d.nameEn)}</a>
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
              <p className="doctor-card__next">
                {d.nextFree
                  ? t("doctors.nextFree", {
                      time: nextFreeFormat.format(Date.parse(d.nextFree)),
                    })
                  : t("doctors.noFreeSlots", { days: horizonDays })}
                {d.nextFree ? <span className="doctor-card__left"> · {t("doctors.leftThisWeek", { count: d.freeThisWeek })}</span> : null}
              </p>
              <a className="button button--primary button--small" href={`/doctors/${d.id}`}>
                {t("doctors.seeTimes")}
              </a>
            </div>
          </li>
        ))}
      </ul>
      {pages > 1 ? (
        <nav className="pager" aria-label={t("doctors.pages")}>
          {filter.page > 1 ? (
            <Link className="button button--small" rel="prev" to={pageHref(Math.min(filter.page - 1, pages))}>
              ← {t("doctors.previousPage")}
            </Link>
          ) : null}
          <span className="muted">{t("doctors.page", { page: filter.page, pages })}</span>
          {filter.page < pages ? (
            <Link className="button button--small" rel="next" to={pageHref(filter.page + 1)}>
              {t("doctors.nextPage")} →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
