import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Keeps a page's data live: reloads it (at most every 300 ms) whenever the server says an appointment
 * changed, and after the event stream reconnects. `dataTime` is when the page's data was read: the
 * server announces at once anything that changed after it (between render and connection).
 */
export function useLiveReload(dataTime: string) {
  // Only the first connection needs it; later reconnections reload anyway.
  const url = `/live/events?${new URLSearchParams({ since: useRef(dataTime).current })}`;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    const source = new EventSource(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => revalidate.current(), 300);
    };
    source.addEventListener("changed", reload);
    source.onopen = () => {
      if (opened) reload();
      opened = true;
    };
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [url]);
}
