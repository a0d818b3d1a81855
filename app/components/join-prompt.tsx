import { Link } from "@remix-run/react";
import { useT, useViewer } from "~/i18n/use-t";
import { formatDateTime } from "~/utils/format";
import { useClock } from "./use-clock";

/** A patient's way into a consultation, as the loader judged it (`joinPrompt`), with dates as ISO text. */
export type JoinPromptData = { state: "open"; closesAt: string } | { state: "soon"; opensAt: string };

/**
 * One tap into the consultation: a prominent "Join consultation" while the room is open; within the hour
 * before, when it opens and a countdown, and the button appears by itself when the time comes.
 */
export function JoinPrompt({ appointmentId, doctorName, prompt, now }: { appointmentId: string; doctorName: string; prompt: JoinPromptData; now: string }) {
  const t = useT();
  const { locale, timeZone } = useViewer();
  const clock = useClock(now, 15_000);
  const opensAt = prompt.state === "soon" ? new Date(prompt.opensAt).getTime() : null;
  const open = opensAt === null || clock >= opensAt;
  return (
    <div className={`join-prompt${open ? " join-prompt--open" : ""}`} role="status">
      {open ? (
        <>
          <p>{t("join.open", { doctor: doctorName })}</p>
          <Link className="button button--primary join-prompt__button" to={`/consult/${appointmentId}`}>
            {t("consult.join")}
          </Link>
        </>
      ) : (
        <p>
          {t("join.soon", {
            doctor: doctorName,
            time: formatDateTime(new Date(opensAt!), locale, timeZone, { hour: "2-digit", minute: "2-digit" }),
            minutes: Math.max(1, Math.ceil((opensAt! - clock) / 60_000)),
          })}
        </p>
      )}
    </div>
  );
}
