import type { Sex } from "~/domain/vocabulary";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime, pick } from "~/utils/format";

type Facts = { age: number | null; sex: Sex | null; allergies: string | null; noKnownAllergies: boolean };

/** Age, sex and allergies in one line under the patient's name; allergies stand out when there are any. */
export function PatientFacts({ record }: { record: Facts }) {
  const t = useT();
  const known = [record.age === null ? null : t("record.age", { age: record.age }), record.sex ? t(`sex.${record.sex}`) : null].filter(Boolean);
  return (
    <p className="patient-facts">
      <span>{known.length ? known.join(" · ") : <span className="muted">{t("record.profileNotStated")}</span>}</span>{" "}
      {record.allergies ? (
        <span className="patient-facts__allergies">{t("record.allergies", { allergies: record.allergies })}</span>
      ) : record.noKnownAllergies ? (
        <span>{t("record.noKnownAllergies")}</span>
      ) : (
        <span className="patient-facts__unknown">{t("record.allergiesNotStated")}</span>
      )}
    </p>
  );
}

type Visit = {
  appointmentId: string;
  startsAt: string;
  doctor: { nameZh: string; nameEn: string };
  department: { nameZh: string; nameEn: string };
  diagnosis: string;
  plan: string;
  advice: string;
};

/** The patient's earlier visits at this clinic with their signed summaries, newest first. */
export function EarlierVisits({ visits }: { visits: Visit[] }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  return (
    <section className="card consult__history" aria-labelledby="history-heading">
      <h2 id="history-heading">{t("record.earlierVisits")}</h2>
      {visits.length === 0 ? <p className="muted">{t("record.noEarlierVisits")}</p> : null}
      <ul className="plain-list history">
        {visits.map((v) => (
          <li key={v.appointmentId}>
            <details>
              <summary>
                <strong>{formatDateTime(v.startsAt, locale, timeZone, { year: "numeric", month: "short", day: "numeric" })}</strong>{" "}
                {pick(locale, v.department.nameZh, v.department.nameEn)} · {pick(locale, v.doctor.nameZh, v.doctor.nameEn)}
                {v.diagnosis ? <span className="history__diagnosis"> — {v.diagnosis}</span> : null}
              </summary>
              <dl className="history__summary">
                {(["diagnosis", "plan", "advice"] as const).map((field) =>
                  v[field] ? (
                    <div key={field}>
                      <dt>{t(`record.${field}`)}</dt>
                      <dd className="prewrap">{v[field]}</dd>
                    </div>
                  ) : null,
                )}
              </dl>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
