import { useEffect, useState } from "react";

/**
 * The time, ticking every `everyMs` without a reload: first the server's (`initial`, so that the first
 * render matches the HTML), then the browser's clock.
 */
export function useClock(initial: string, everyMs = 30_000) {
  const [now, setNow] = useState(() => new Date(initial).getTime());
  useEffect(() => {
    setNow(Math.max(Date.now(), new Date(initial).getTime()));
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [initial, everyMs]);
  return now;
}
