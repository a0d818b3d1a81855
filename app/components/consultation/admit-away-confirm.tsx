import { Form } from "@remix-run/react";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";

/**
 * The question "Admit" asks when the patient is not on their room's page (they closed it, or never
 * opened it): admit anyway, or not. The server asked it (`warnIfAway`), so it holds whatever the page
 * last heard.
 */
export function AdmitAwayConfirm({ patientName, since, busy }: { patientName: string; since: string | null; busy: boolean }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  return (
    <section className="card notice admit-away" role="alert">
      <p>
        {since
          ? t("consult.patientAway", { name: patientName, time: formatDateTime(since, locale, timeZone, { hour: "2-digit", minute: "2-digit" }) })
          : t("consult.patientNeverHere", { name: patientName })}
      </p>
      <div className="actions">
        <Form method="post" replace>
          <input type="hidden" name="confirmAway" value="1" />
          <button type="submit" name="intent" value="admit" className="button button--primary" disabled={busy}>
            {t("consult.admitAnyway")}
          </button>
        </Form>
        <Form method="get" replace>
          <button type="submit" className="button" disabled={busy}>
            {t("consult.keepWaiting")}
          </button>
        </Form>
      </div>
    </section>
  );
}
