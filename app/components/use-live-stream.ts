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
    let source: EventSource;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    let refusals = 0;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(() => revalidate.current(), 300);
    };
    const open = () => {
      source = new EventSource(url);
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
        clearTimeout(reopenTimer);
        source.close();
        revalidate.current();
      });
      source.onopen = () => {
        if (opened) reload();
        opened = true;
        refusals = 0;
        setConnected(true);
      };
      source.onerror = () => {
        setConnected(false);
        // A dropped connection the browser retries by itself. An answer that is not a stream (a proxy's
        // 502 while an instance restarts, a draining server's 503) makes it give up for good: open a new
        // one, backing off with jitter so that every page of a clinic does not come back in one instant.
        if (source.readyState !== EventSource.CLOSED) return;
        const delay = Math.min(REOPEN_MAX_MS, REOPEN_FIRST_MS * 2 ** refusals++) * (0.5 + Math.random());
        reopenTimer = setTimeout(open, delay);
      };
    };
    open();
    return () => {
      clearTimeout(timer);
      clearTimeout(reopenTimer);
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
  // The changes heard lately, in order. A read of the data that started before one of them arrived may
  // land after it (a reload asked for on reconnection, say): they apply again on top of what it read, so
  // that a stale read never takes a page back. Each change states what became so: applying one the read
  // already holds changes nothing.
  const heard = useRef<{ at: number; apply: (current: T) => T | "reload" }[]>([]);
  useEffect(() => {
    const since = Date.now() - REAPPLY_MS;
    heard.current = heard.current.filter((h) => h.at >= since);
    let next = data;
    for (const h of heard.current) {
      const applied = h.apply(next);
      if (applied !== "reload") next = applied;
    }
    latest.current = next;
    setValue(next);
  }, [data]);
  const set = (next: T, again: (current: T) => T | "reload") => {
    heard.current.push({ at: Date.now(), apply: again });
    latest.current = next;
    setValue(next);
  };
  const connected = useLiveStream(
    dataTime,
    (change) => {
      const next = apply(latest.current, change);
      if (next === "reload") return "reload";
      set(next, (current) => apply(current, change));
    },
    applyPresence &&
      ((presence) =>
        set(applyPresence(latest.current, presence), (current) => applyPresence(current, presence))),
  );
  return [value, connected];
}

/** A stream the browser gave up on is opened again after 1 s, then 2, 4 … up to 30 s (each ×0.5–1.5). */
const REOPEN_FIRST_MS = 1_000;
const REOPEN_MAX_MS = 30_000;

/** How long a heard change is applied again over a fresh read (longer than any read takes). */
const REAPPLY_MS = 15_000;
