import { Form } from "@remix-run/react";
import { useId, useState } from "react";
import { useT } from "~/i18n/use-t";

/**
 * "Finish visit": closes the visit for both sides, so it asks first. "End call" (in the call's controls)
 * only hangs up; this one ends the appointment, and the room with it.
 */
export function FinishVisit({ busy }: { busy: boolean }) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const questionId = useId();
  if (!confirming) {
    return (
      <button type="button" className="button button--danger" onClick={() => setConfirming(true)}>
        {t("consult.finishVisit")}
      </button>
    );
  }
  return (
    <Form method="post" replace className="confirm-change" role="group" aria-labelledby={questionId}>
      <p id={questionId} className="confirm-change__question">{t("consult.finishConfirm")}</p>
      <div className="confirm-change__actions">
        <button type="submit" name="intent" value="end" className="button button--danger" disabled={busy}>
          {t("consult.finishVisit")}
        </button>
        <button type="button" className="button" onClick={() => setConfirming(false)} autoFocus>
          {t("consult.keepOpen")}
        </button>
      </div>
    </Form>
  );
}
