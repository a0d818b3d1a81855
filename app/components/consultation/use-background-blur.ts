import { useEffect, useState } from "react";
import type { BackgroundBlur } from "~/features/consultation/client/background-blur";
import { readBlurPreference, saveBlurPreference } from "~/features/consultation/client/blur-preference";

// The blur itself (and the library behind it) is fetched only when someone wants it.
const loadBackgroundBlur = () => import("~/features/consultation/client/background-blur").then((blur) => blur.loadBackgroundBlur());

/**
 * The background-blur switch: what the person chose (remembered on this device; null until the saved
 * choice is read), the blur once it is loaded, whether it failed to load, and whether the saved choice has
 * been honoured — a call waits for that, so the other side never sees an unblurred frame of someone who
 * chose blur. Applying the blur is useCall's part: before the call to the self-view, in the call to what
 * the call sends.
 */
export function useBackgroundBlur() {
  const [wanted, setWanted] = useState<boolean | null>(null);
  const [ready, setReady] = useState<BackgroundBlur | null>(null);
  const [failed, setFailed] = useState(false);
  const [settled, setSettled] = useState(false);

  useEffect(() => setWanted(readBlurPreference()), []);
  useEffect(() => {
    if (wanted === null) return;
    if (!wanted) {
      setSettled(true);
      return setReady(null);
    }
    let cancelled = false;
    loadBackgroundBlur()
      .then((loaded) => {
        if (cancelled) return;
        setReady(loaded);
        setSettled(true);
      })
      .catch(() => {
        if (cancelled) return;
        // The call goes on unblurred; the choice stays saved for a browser or a connection that can.
        setFailed(true);
        setWanted(false);
      });
    return () => {
      cancelled = true;
    };
  }, [wanted]);

  return {
    wanted: Boolean(wanted),
    /** Chosen, not yet loaded. */
    loading: Boolean(wanted && !ready),
    failed,
    /** The loaded blur, while the person wants it. */
    ready,
    settled,
    toggle: () => {
      saveBlurPreference(!wanted);
      setWanted(!wanted);
      setFailed(false);
    },
  };
}
