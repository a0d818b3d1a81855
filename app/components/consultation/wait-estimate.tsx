import { useEffect, useState } from "react";
import { useClock } from "~/components/use-clock";
import { estimateWaitMs, roundWait, type DoctorPace } from "~/features/consultation/wait-estimate";
import { useT } from "~/i18n/use-t";

/**
 * A waiting patient's estimated wait, moved by what the room socket pushes (the place in the queue,
 * whether the doctor is in a call) and by the clock, without reading the page again. The doctor's pace
 * comes with the page; a call the socket says began is counted from when the page heard of it.
 */
export function WaitEstimate({ position, doctorBusy, pace, now }: { position: number; doctorBusy: boolean; pace: DoctorPace; now: string }) {
  const t = useT();
  const clock = useClock(now);
  const [callSince, setCallSince] = useState<number | null>(() => (pace.callSince ? Date.parse(pace.callSince) : null));
  useEffect(() => setCallSince(pace.callSince ? Date.parse(pace.callSince) : null), [pace.callSince]);
  useEffect(() => {
    if (!doctorBusy) setCallSince(null);
    else setCallSince((since) => since ?? Date.now());
  }, [doctorBusy]);
  const wait = roundWait(
    estimateWaitMs({ position, consultationMs: pace.consultationMs, callSinceMs: doctorBusy ? (callSince ?? clock) : null, nowMs: clock }),
  );
  return (
    <div className="waiting__estimate" data-wait={wait.kind === "few" ? "few" : wait.minutes}>
      <p className="waiting__estimate-time">{wait.kind === "few" ? t("consult.waitFew") : t("consult.waitAbout", { minutes: wait.minutes })}</p>
      {/* Next, with the doctor free: the doctor's pace plays no part. */}
      {wait.kind === "minutes" ? <p className="muted small">{pace.basis === "today" ? t("consult.waitBasisToday") : t("consult.waitBasisSlot")}</p> : null}
    </div>
  );
}
