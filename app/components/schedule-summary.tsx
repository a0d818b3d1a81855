import type { DaySummary } from "~/features/clinic-schedule/day-summary";
import { APPOINTMENT_STATUSES } from "~/domain/vocabulary";
import { useT } from "~/i18n/use-t";

export type SummaryRow = { key: string; label: string; summary: DaySummary };

/** Counts, utilisation and average wait per row, with utilisation drawn as inline SVG bars. */
export function ScheduleSummary({ rows }: { rows: SummaryRow[] }) {
  const t = useT();
  const wait = (s: DaySummary) =>
    s.averageWaitMinutes === null ? t("schedule.notMeasured") : t("schedule.waitMinutes", { minutes: Math.round(s.averageWaitMinutes) });
  return (
    <div className="table-scroll">
      <table className="table summary-table">
        <thead>
          <tr>
            <th scope="col">{t("schedule.department")}</th>
            {APPOINTMENT_STATUSES.map((status) => (
              <th key={status} scope="col">
                {t(`status.${status}`)}
              </th>
            ))}
            <th scope="col">{t("schedule.utilisation")}</th>
            <th scope="col">{t("schedule.averageWait")}</th>
            <th scope="col">{t("schedule.waitlist")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, summary }) => {
            const share = summary.utilisation === null ? 0 : Math.min(1, summary.utilisation);
            return (
              <tr key={key} data-summary={key}>
                <th scope="row">{label}</th>
                {APPOINTMENT_STATUSES.map((status) => (
                  <td key={status} data-status-count={status}>
                    {summary[status]}
                  </td>
                ))}
                <td data-utilisation={summary.utilisation === null ? "" : summary.utilisation.toFixed(3)}>
                  <svg className="bar" viewBox="0 0 100 10" width="100" height="10" role="img" aria-label={`${Math.round(share * 100)}%`}>
                    <rect x="0" y="0" width="100" height="10" rx="2" className="bar__track" />
                    <rect x="0" y="0" width={share * 100} height="10" rx="2" className="bar__fill" />
                  </svg>{" "}
                  {summary.utilisation === null ? t("schedule.notMeasured") : `${Math.round(summary.utilisation * 100)}%`}
                </td>
                <td data-average-wait={summary.averageWaitMinutes ?? ""}>{wait(summary)}</td>
                <td data-offers={summary.offers} data-offers-taken={summary.offersTaken}>
                  <span className="summary-table__figure">{t("schedule.waitlistOffered", { count: summary.offers })}</span> ·{" "}
                  <span className="summary-table__figure">{t("schedule.waitlistTaken", { count: summary.offersTaken })}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
