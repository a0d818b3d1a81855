import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { StreamAppointment, StreamPresence } from "~/features/live/events";

/**
 * Keeps a schedule page live from its event stream: each `appointment` event carries what changed and is
 * handed to `onAppointment`, which applies it in place or returns "reload". The page reads its data again
 * only when it must: when the server says `resync` (events were lost, or something changed between the
 * page's render — `dataTime` — and the stream's start), after the stream reconnects, and when a change
 * cannot be applied in place. Reloads are debounced; when the session ends the stream stops and the
 * reload leads to the sign-in page. Answers whether the stream is connected now (the page says so).
 */
export function useLiveStream(
  dataTime: string,
  onAppointment: (change: StreamAppointment) => "reload" | void,
  onPresence?: (presence: StreamPresence) => void,
) {
  // Only the first connection needs it; later reconnections reload anyway.
  const url = `/live/events?${new URLSearchParams({ since: useRef(dataTime).current })}`;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const apply = useRef(onAppointment);
  apply.current = onAppointment;
  const applyPresence = useRef(onPresence);
  applyPresence.current = onPresence;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => revalidate.current(), 300);
    };
    source.addEventListener("appointment", (event) => {
      try {
        if (apply.current(JSON.parse((event as MessageEvent<string>).data) as StreamAppointment) === "reload") reload();
      } catch {
        reload();
      }
    });
    source.addEventListener("presence", (event) => {
      try {
        applyPresence.current?.(JSON.parse((event as MessageEvent<string>).data) as StreamPresence);
      } catch {
        reload();
      }
    });
    source.addEventListener("resync", reload);
    source.addEventListener("session-ended", () => {
      source.close();
      revalidate.current();
    });
    source.onopen = () => {
      if (opened) reload();
      opened = true;
      setConnected(true);
    };
    // The browser reconnects by itself; meanwhile the page is not live.
    source.onerror = () => setConnected(false);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [url]);
  return connected;
}

/**
 * Loader data kept live: starts from `data` (and from each fresh read of it), and applies every pushed
 * change with `apply`, which returns the new value or "reload" (and a patient's presence, on a doctor's
 * Today, with `applyPresence`). Changes arriving together apply in turn. Answers the value and whether
 * its stream is connected.
 */
export function useLiveState<T>(
  data: T,
  dataTime: string,
  apply: (current: T, change: StreamAppointment) => T | "reload",
  applyPresence?: (current: T, presence: StreamPresence) => T,
): [T, boolean] {
  const [value, setValue] = useState(data);
  const latest = useRef(data);
  useEffect(() => {
    latest.current = data;
    setValue(data);
  }, [data]);
  const set = (next: T) => {
    latest.current = next;
    setValue(next);
  };
  const connected = useLiveStream(
    dataTime,
    (change) => {
      const next = apply(latest.current, change);
      if (next === "reload") return "reload";
      set(next);
    },
    applyPresence && ((presence) => set(applyPresence(latest.current, presence))),
  );
  return [value, connected];
}
