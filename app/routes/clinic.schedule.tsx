import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo, type CSSProperties } from "react";
import { StatusBadge } from "~/components/appointment-card";
import { ScheduleSummary } from "~/components/schedule-summary";
import { useDelegatedLinks } from "~/components/use-delegated-links";
import { useLiveState } from "~/components/use-live-stream";
import { requireRole } from "~/features/auth/guards.server";
import { getClinicSettings } from "~/features/booking/clinic-settings.server";
import { APPOINTMENT_STATUSES } from "~/domain/vocabulary";
import { assignLanes, gridHours } from "~/features/clinic-schedule/board-layout";
import { loadClinicDay, loadClinicWeek } from "~/features/clinic-schedule/schedule.server";
import { scheduleQuery } from "~/features/clinic-schedule/schemas.server";
import { listDepartments } from "~/features/directory/list-doctors.server";
import { applyToBoard, type BoardBlock } from "~/features/live/apply-change";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";
import { addDays, isoWeekday, localDateOf } from "~/utils/zoned-time";


export async function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["staff", "admin"]);
  const query = scheduleQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const clinic = await getClinicSettings(context.db);
  const now = new Date();
  const date = query.date ?? localDateOf(now, clinic.timeZone);
  const filter = { departmentCode: query.department, doctorId: query.doctor, status: query.status };
  const departments = await listDepartments(context.db);
  const headers = { "Cache-Control": "private, no-store" };
  if (query.view === "week") {
    const weekStart = addDays(date, 1 - isoWeekday(date));
    const week = await loadClinicWeek(context.db, weekStart, clinic.timeZone, filter);
    return json({ view: "week" as const, query, date, clinicTimeZone: clinic.timeZone, departments, week, day: null, now: now.toISOString() }, { headers });
  }
  const day = await loadClinicDay(context.db, date, clinic.timeZone, filter);
  const minuteOf = (d: Date) => Math.round((d.getTime() - day.from.getTime()) / 60_000);
  // Compact on purpose: the day view of a big clinic has thousands of blocks.
  return json(
    {
      view: "day" as const,
      query,
      date,
      clinicTimeZone: clinic.timeZone,
      departments,
      week: null,
      now: now.toISOString(),
      nowMinute: now >= day.from && now < day.until ? minuteOf(now) : null,
      day: {
        from: day.from.toISOString(),
        until: day.until.toISOString(),
        summary: day.summary,
        departments: day.departments.map((g) => ({
          id: g.department.id,
          nameZh: g.department.nameZh,
          nameEn: g.department.nameEn,
          summary: g.summary,
          doctors: g.doctors.map((d) => ({
            id: d.id,
            nameZh: d.nameZh,
            nameEn: d.nameEn,
            summary: { booked: d.summary.booked + d.summary.checked_in + d.summary.in_consultation + d.summary.completed + d.summary.no_show, utilisation: d.summary.utilisation },
            available: d.available.map((i) => [minuteOf(i.start), minuteOf(i.end)] as const),
            appointments: d.appointments.map((a): BoardBlock => [a.id, minuteOf(a.startsAt), minuteOf(a.endsAt), a.status, a.patientName]),
          })),
        })),
      },
    },
    { headers },
  );
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

type Grid = { start: number; end: number };

/** A minute of the day as a position on the grid's track (and a length as a width). */
const pct = (grid: Grid, minute: number) => `${(((minute - grid.start) / (grid.end - grid.start)) * 100).toFixed(2)}%`;
const width = (grid: Grid, minutes: number) => `${((minutes / (grid.end - grid.start)) * 100).toFixed(2)}%`;
const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/**
 * The appointment blocks of one doctor's row, each with its time (no leading zero, to fit a 15-minute
 * block) and patient's name, in lanes so that none hides another; every text is escaped, ids are UUIDs,
 * statuses an enum. Returns the lanes used.
 */
function blocksHtml(grid: Grid, appointments: readonly BoardBlock[], statusLabel: (status: BoardBlock[3]) => string) {
  const { lanes, count } = assignLanes(appointments.map(([, start, end, status]) => ({ start, end, cancelled: status === "cancelled" })));
  let html = "";
  appointments.forEach(([id, start, end, status, patient], i) => {
    const name = escapeHtml(patient);
    const label = `${hhmm(start)}–${hhmm(end)} ${name} · ${escapeHtml(statusLabel(status))}`;
    const style = `left:${pct(grid, start)};width:${width(grid, end - start)};--lane:${lanes[i]}`;
    html += `<a href="/appointments/${escapeHtml(id)}" class="blk s-${escapeHtml(status)}" style="${style}" title="${label}"><span class="blk__time">${hhmm(start).replace(/^0/, "")}</span> <span class="blk__name">${name}</span></a>`;
  });
  return { html, lanes: count };
}

export default function ClinicSchedule() {
  const t = useT();
  const { locale } = useViewer();
  const loaded = useLoaderData<typeof loader>();
  // The day as read, then every pushed change applied in place: a status moves a block's colour and the
  // counts; the week view and a status filter read again when something they show changed.
  const [liveDay, live] = useLiveState(loaded.day, loaded.now, (day, change) => {
    if (!day || loaded.query.status) return change.slotsChanged || loaded.query.status ? "reload" : day;
    return applyToBoard(day, change);
  });
  const data = { ...loaded, day: liveDay };
  const nowMinute = loaded.view === "day" ? loaded.nowMinute : null;
  const { query, date } = data;
  const onGridClick = useDelegatedLinks();
  const link = (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    const merged = { ...query, date, ...changes };
    for (const [key, value] of Object.entries(merged)) if (value) params.set(key, String(value));
    return `/clinic/schedule?${params}`;
  };
  const step = data.view === "week" ? 7 : 1;
  // The download holds what the filters show (the day's rows; the CSV has no week view).
  const csv = new URLSearchParams(
    Object.entries({ date, department: query.department, doctor: query.doctor, status: query.status }).filter((e): e is [string, string] => Boolean(e[1])),
  );
  const heading = formatDateTime(`${data.week?.days[0] ?? date}T12:00:00Z`, locale, "UTC", { weekday: "long", year: "numeric", month: "long", day: "numeric" });
  const doctorsForPicker = data.day?.departments.flatMap((g) => g.doctors) ?? data.week?.doctors ?? [];
  // The grid spans the day's open hours and appointments (whole hours), not a fixed 07:00–22:00.
  const grid = useMemo(
    () =>
      gridHours(
        (data.day?.departments ?? []).flatMap((g) =>
          g.doctors.flatMap((d) => [...d.available.map(([start, end]) => ({ start, end })), ...d.appointments.map(([, start, end]) => ({ start, end }))]),
        ),
      ),
    [data.day],
  );
  const gridHourMarks = Array.from({ length: (grid.end - grid.start) / 60 }, (_, i) => grid.start + i * 60);

  return (
    <main id="main" className="page page--wide schedule">
      <div className="schedule__title">
        <h1>{t("schedule.heading")}</h1>
        <span className="live-dot" data-live={live ? "on" : "off"}>
          {t(live ? "schedule.live" : "schedule.connecting")}
        </span>
      </div>
      <p className="lead">
        {data.view === "week" ? t("schedule.weekOf", { date: heading }) : heading} · {data.clinicTimeZone}
      </p>
      <div className="schedule__nav">
        <Link className="button button--small" to={link({ date: addDays(date, -step) })}>
          ← {t(data.view === "week" ? "schedule.previousWeek" : "schedule.previous")}
        </Link>
        <Link className="button button--small" to={link({ date: undefined })}>
          {t("schedule.today")}
        </Link>
        <Link className="button button--small" to={link({ date: addDays(date, step) })}>
          {t(data.view === "week" ? "schedule.nextWeek" : "schedule.next")} →
        </Link>
        <Link className="button button--small" to={link({ view: data.view === "week" ? "day" : "week" })}>
          {data.view === "week" ? t("schedule.day") : t("schedule.week")}
        </Link>
        <a className="button button--small" href={`/clinic/schedule/csv?${csv}`} download>
          {t("schedule.downloadCsv")}
        </a>
      </div>
      <Form method="get" className="schedule__filters">
        <input type="hidden" name="view" value={data.view} />
        <label>
          {t("schedule.date")}
          <input type="date" name="date" defaultValue={date} />
        </label>
        <label>
          {t("schedule.department")}
          <select name="department" defaultValue={query.department ?? ""}>
            <option value="">{t("doctors.allDepartments")}</option>
            {data.departments.map((d) => (
              <option key={d.code} value={d.code}>
                {pick(locale, d.nameZh, d.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("schedule.doctor")}
          <select name="doctor" defaultValue={query.doctor ?? ""}>
            <option value="">{t("schedule.allDoctors")}</option>
            {doctorsForPicker.map((d) => (
              <option key={d.id} value={d.id}>
                {pick(locale, d.nameZh, d.nameEn)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("schedule.status")}
          <select name="status" defaultValue={query.status ?? ""}>
            <option value="">{t("schedule.allStatuses")}</option>
            {APPOINTMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button">
          {t("schedule.show")}
        </button>
      </Form>

      {data.day ? (
        <>
          <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t("schedule.summary")}</h2>
            <ScheduleSummary
              rows={[
                ...data.day.departments.map((g) => ({ key: g.id, label: pick(locale, g.nameZh, g.nameEn), summary: g.summary })),
                { key: "clinic", label: t("schedule.clinic"), summary: data.day.summary },
              ]}
            />
          </section>
          <div className="legend">
            {APPOINTMENT_STATUSES.map((s) => (
              <StatusBadge key={s} status={s} />
            ))}
            <span className="legend__available">{t("schedule.available")}</span>
          </div>
          {data.day.departments.length === 0 ? <p className="card empty">{t("schedule.noDoctors")}</p> : null}
          {/* Thousands of blocks are plain links: one click handler opens them without reloading the board. */}
          <div
            className="day-grid"
            role="table"
            aria-label={t("schedule.heading")}
            onClick={onGridClick}
            style={{ "--hours": gridHourMarks.length } as CSSProperties}
          >
            <div className="day-grid__row day-grid__hours" role="row">
              <div className="day-grid__name" role="columnheader" />
              <div className="day-grid__track" role="columnheader">
                {gridHourMarks.map((m) => (
                  <span key={m} className="hour" style={{ left: pct(grid, m) }}>
                    {hhmm(m)}
                  </span>
                ))}
              </div>
            </div>
            {data.day.departments.map((g) => (
              <div key={g.id} role="rowgroup">
                <div className="day-grid__department" role="row">
                  <span role="cell">{pick(locale, g.nameZh, g.nameEn)}</span>
                </div>
                {g.doctors.map((d) => {
                  const blocks = blocksHtml(grid, d.appointments, (status) => t(`status.${status}`));
                  return (
                  <div key={d.id} className="day-grid__row" role="row" data-doctor-id={d.id} style={{ "--lanes": blocks.lanes } as CSSProperties}>
                    <div className="day-grid__name" role="rowheader">
                      <strong>{pick(locale, d.nameZh, d.nameEn)}</strong>
                      <span className="muted small">
                        {d.summary.booked} · {d.summary.utilisation === null ? "—" : `${Math.round(d.summary.utilisation * 100)}%`}
                      </span>
                    </div>
                    <div className="day-grid__track" role="cell">
                      {d.available.map(([start, end]) => (
                        <span key={start} className="avail" style={{ left: pct(grid, start), width: width(grid, end - start) }} />
                      ))}
                      {/* A busy day has thousands of blocks: written as one escaped string per doctor. */}
                      <span className="blocks" dangerouslySetInnerHTML={{ __html: blocks.html }} />
                      {nowMinute !== null && nowMinute >= grid.start && nowMinute < grid.end ? (
                        <span className="now-line" style={{ left: pct(grid, nowMinute) }} title={t("schedule.now")} />
                      ) : null}
                    </div>
                  </div>
                  );
                })}
              </div>
            ))}
          </div>
        </>
      ) : null}

      {data.week ? (
        <div className="table-scroll">
          <table className="table week-table">
            <thead>
              <tr>
                <th scope="col">{t("schedule.doctor")}</th>
                {data.week.days.map((d) => (
                  <th key={d} scope="col">
                    <Link to={link({ view: "day", date: d })}>
                      {formatDateTime(`${d}T12:00:00Z`, locale, "UTC", { weekday: "short", month: "numeric", day: "numeric" })}
                    </Link>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.week.doctors.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    {pick(locale, d.nameZh, d.nameEn)} <span className="muted small">{pick(locale, d.department.nameZh, d.department.nameEn)}</span>
                  </th>
                  {d.counts.map((count, i) => (
                    <td key={i} className={count ? "week-table__busy" : undefined}>
                      {count || ""}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </main>
  );
}
