import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { AppointmentStatus, JoinMode } from "~/domain/vocabulary";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";

export type AppointmentSummary = {
  id: string;
  startsAt: string;
  endsAt: string;
  status: AppointmentStatus;
  doctor: { nameZh: string; nameEn: string; title: string };
  department: { nameZh: string; nameEn: string };
};

export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const t = useT();
  return <span className={`status status--${status}`}>{t(`status.${status}`)}</span>;
}

/** How a waiting patient joins, when it is not by video (their camera, or microphone too, cannot be used). */
export function JoinModeBadge({ mode }: { mode: JoinMode | null }) {
  const t = useT();
  if (!mode || mode === "video") return null;
  return <span className={`join-mode join-mode--${mode}`}>{t(`consult.joinMode.${mode}`)}</span>;
}

/**
 * One appointment in a list; `children` (the way into its consultation, when there is one) go first. A
 * past one whose visit summary is signed says so, and leads straight to it.
 */
export function AppointmentCard({
  appointment,
  summaryReady = false,
  children,
}: {
  appointment: AppointmentSummary;
  summaryReady?: boolean;
  children?: ReactNode;
}) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const a = appointment;
  return (
    <li className="card appointment-card">
      {children}
      <div className="appointment-card__when">
        <strong>
          {formatDateTime(a.startsAt, locale, timeZone, { weekday: "short", month: "short", day: "numeric" })}
        </strong>
        <span>
          {formatDateTime(a.startsAt, locale, timeZone, { hour: "2-digit", minute: "2-digit" })}–
          {formatDateTime(a.endsAt, locale, timeZone, { hour: "2-digit", minute: "2-digit" })}
        </span>
      </div>
      <div className="appointment-card__who">
        <span>
          {pick(locale, a.doctor.nameZh, a.doctor.nameEn)} · {pick(locale, a.department.nameZh, a.department.nameEn)}
        </span>
        <StatusBadge status={a.status} />
        {summaryReady ? <span className="status status--summary">{t("appointments.summaryReady")}</span> : null}
      </div>
      <Link className="button button--small" to={summaryReady ? `/appointments/${a.id}#summary` : `/appointments/${a.id}`}>
        {summaryReady ? t("appointments.readSummary") : t("appointments.open")}
      </Link>
    </li>
  );
}
