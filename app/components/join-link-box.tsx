import { Form, useNavigation } from "@remix-run/react";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";
import { CopyableLink } from "./copyable-link";

/**
 * "Join from another phone": makes a personal join link (就诊链接) and shows it once, with a copy
 * button. The link opens this appointment's room, without signing in, from `opensAt` until the room
 * closes; cancelling or moving the appointment stops it.
 */
export function JoinLinkBox({ appointmentId, opensAt, link }: { appointmentId: string; opensAt: string; link: string | null }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const busy = useNavigation().state !== "idle";
  const opens = formatDateTime(opensAt, locale, timeZone, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return (
    <section className="card join-link no-print" aria-labelledby="join-link-heading">
      <h2 id="join-link-heading">{t("joinLink.heading")}</h2>
      <p className="muted">{t("joinLink.lead", { opens })}</p>
      {link ? (
        <CopyableLink id={`${appointmentId}-join-link`} link={link} label="joinLink.yours" hint="joinLink.warning" />
      ) : (
        <Form method="post" action={`/appointments/${appointmentId}?intent=joinLink`}>
          <button type="submit" className="button" disabled={busy}>
            {t("joinLink.create")}
          </button>
        </Form>
      )}
    </section>
  );
}
