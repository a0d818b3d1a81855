import { Form, Link } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

/**
 * The way on from a finished visit whose note is signed: "Admit next" (the doctor's Today admits the
 * next patient who is here) and back to Today, with why nobody was admitted if that was tried.
 */
export function NextPatient({ notice }: { notice: MessageKey | null }) {
  const t = useT();
  return (
    <div className="next-patient">
      {notice ? (
        <p className="notice-text" role="status">
          {t(notice)}
        </p>
      ) : null}
      <div className="actions">
        <Form method="post" action="/doctor/today">
          <button type="submit" name="intent" value="admitNext" className="button button--primary">
            {t("doctorToday.admitNext")}
          </button>
        </Form>
        <Link className="button" to="/doctor/today">
          {t("doctorToday.backToToday")}
        </Link>
      </div>
    </div>
  );
}
