import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT } from "~/i18n/use-t";

/** "People in this consultation": the card the participants panel and the patient's invitation share. */
export function ParticipantsSection({ children }: { children: ReactNode }) {
  const t = useT();
  return (
    <section className="card participants" aria-labelledby="participants-heading">
      <h2 id="participants-heading">{t("participants.heading")}</h2>
      {children}
    </section>
  );
}

/**
 * The patient's "Invite a companion" (the guest link it makes is shown by the participants panel). Light
 * enough to sit in the room's own code, so that a patient's phone fetches the panel only when there is
 * someone to list or a link to show.
 */
export function CompanionInvite({ busy }: { busy: boolean }) {
  const t = useT();
  return (
    <Form method="post" replace className="participants__invite">
      <p className="muted">{t("participants.companionLead")}</p>
      <button type="submit" name="intent" value="inviteCompanion" className="button" disabled={busy}>
        {t("participants.inviteCompanion")}
      </button>
    </Form>
  );
}
