/**
 * What only the appointment's doctor sees in the room: the patient (who they are, why they came, how
 * they join) with Admit, Finish visit and No-show; the question Admit asks about a patient who is away;
 * the waiting room; the note; the earlier visits. One chunk, which a patient's phone never downloads:
 * the room's route loads it with `splitComponent` before it renders for a doctor.
 */
import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { JoinModeBadge, StatusBadge } from "~/components/appointment-card";
import type { AppointmentStatus, JoinMode } from "~/domain/vocabulary";
import { useT } from "~/i18n/use-t";
import { FinishVisit } from "./finish-visit";
import { PatientFacts } from "./patient-record";

export { AdmitAwayConfirm } from "./admit-away-confirm";
export { NotesPanel } from "./notes-panel";
export { EarlierVisits } from "./patient-record";

type PatientCardProps = {
  appointment: { patientName: string; status: AppointmentStatus; joinMode: JoinMode | null; reason: string; symptoms: string | null };
  record: Parameters<typeof PatientFacts>[0]["record"] | null;
  steps: { admit: boolean; end: boolean; noShow: boolean };
  inWindow: boolean;
  busy: boolean;
};

/** The patient this room is for, with the doctor's steps: Admit, Finish visit (asks first), No-show. */
export function DoctorPatientCard({ appointment: a, record, steps, inWindow, busy }: PatientCardProps) {
  const t = useT();
  const intent = (value: string, label: string, className: string) => (
    <Form method="post" replace>
      <button type="submit" name="intent" value={value} className={className} disabled={busy}>
        {label}
      </button>
    </Form>
  );
  return (
    <section className="card consult__patient">
      <h2>{t("consult.thisPatient")}</h2>
      <p>
        <strong>{a.patientName}</strong> <StatusBadge status={a.status} /> <JoinModeBadge mode={a.joinMode} />
      </p>
      {a.joinMode && a.joinMode !== "video" ? <p className="notice-inline">{t(`consult.joinModeHint.${a.joinMode}`)}</p> : null}
      {record ? <PatientFacts record={record} /> : null}
      <p className="prewrap">
        <span className="muted">{t("consult.reason")}: </span>
        {a.reason}
      </p>
      {a.symptoms ? <p className="prewrap muted">{a.symptoms}</p> : null}
      {a.status === "booked" && inWindow ? <p className="muted">{t("consult.notCheckedIn", { name: a.patientName })}</p> : null}
      <div className="actions">
        {steps.admit ? intent("admit", t("consult.admit"), "button button--primary") : null}
        {steps.end ? <FinishVisit busy={busy} /> : null}
        {steps.noShow ? intent("noShow", t("consult.markNoShow"), "button") : null}
      </div>
    </section>
  );
}

export type WaitingEntry = { appointmentId: string; patientName: string; reason: string; startsAt: string; checkedInAt: string | null; joinMode: JoinMode | null };

/** The doctor's waiting room: who checked in, since when, and a way into each one's room. */
export function DoctorWaitingList({ waiting, currentId, now, time }: { waiting: WaitingEntry[]; currentId: string; now: string; time: (iso: string) => ReactNode }) {
  const t = useT();
  return (
    <section className="card consult__waiting" aria-labelledby="waiting-heading">
      <h2 id="waiting-heading">{t("consult.waitingRoom")}</h2>
      {waiting.length === 0 ? <p className="muted">{t("consult.nobodyWaiting")}</p> : null}
      <ul className="waiting-list">
        {waiting.map((w) => (
          <li key={w.appointmentId} className={w.appointmentId === currentId ? "waiting-list__item waiting-list__item--current" : "waiting-list__item"}>
            <div>
              <strong>{w.patientName}</strong> <JoinModeBadge mode={w.joinMode} />{" "}
              <span className="muted">
                {time(w.startsAt)}
                {w.checkedInAt
                  ? ` · ${t("consult.waitingSince", { minutes: Math.max(0, Math.floor((new Date(now).getTime() - new Date(w.checkedInAt).getTime()) / 60_000)) })}`
                  : null}
              </span>
              <p className="prewrap small">{w.reason}</p>
            </div>
            {w.appointmentId !== currentId ? (
              <Link className="button button--small" to={`/consult/${w.appointmentId}`}>
                {t("consult.open")}
              </Link>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
