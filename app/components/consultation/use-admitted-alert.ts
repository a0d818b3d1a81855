import { useEffect, useRef, useState } from "react";
import { ADMITTED_CHIME, playTones } from "~/features/consultation/client/tones";

/** Short, long, short: a phone in a pocket notices it. */
const VIBRATION_MS = [200, 100, 200];

export type AdmittedAlert = "idle" | "showing" | "seen";

/**
 * Tells a waiting patient who looked away that the doctor has admitted them: when the status this page
 * shows moves from checked in to in consultation (the room socket's "changed" reloads it), a chime, a
 * vibration where the device has one, and the tab's title `title` until the person comes back to the
 * page (it becomes visible, gets focus, or is touched). A page opened already in the call alerts nothing.
 */
export function useAdmittedAlert(status: string, title: string): AdmittedAlert {
  const previous = useRef(status);
  const [alert, setAlert] = useState<AdmittedAlert>("idle");
  useEffect(() => {
    const was = previous.current;
    previous.current = status;
    if (was !== "checked_in" || status !== "in_consultation") return;
    setAlert("showing");
    void playTones(ADMITTED_CHIME).catch(() => false);
    if (typeof navigator.vibrate === "function") navigator.vibrate(VIBRATION_MS);
    const original = document.title;
    document.title = title;
    const seen = () => {
      if (document.visibilityState !== "visible") return;
      restore();
      setAlert("seen");
    };
    // A person already looking at the page has seen it when they next touch it.
    const events = ["visibilitychange", "focus", "pointerdown", "keydown"] as const;
    const restore = () => {
      for (const name of events) (name === "visibilitychange" ? document : window).removeEventListener(name, seen);
      if (document.title === title) document.title = original;
    };
    for (const name of events) (name === "visibilitychange" ? document : window).addEventListener(name, seen);
    return restore;
  }, [status, title]);
  return alert;
}
