import type { LiveEvent } from "./events";
import { LIVE_CHANNEL } from "./publish.server";

export type LiveHub = {
  /** Calls `listener` with every live event any app instance publishes; returns an unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /**
   * Calls `listener` when the database connection that carries the events came back after a loss:
   * events may have been missed, so whoever shows live state should read it again.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
};

/** One LISTEN per app instance, fanned out in process to sockets and event streams. */
export async function createLiveHub(
  listen: (channel: string, handler: (payload: string) => void, onRestored?: () => void) => Promise<() => Promise<void>>,
): Promise<LiveHub> {
  const listeners = new Set<(event: LiveEvent) => void>();
  const resyncListeners = new Set<() => void>();
  const unlisten = await listen(
    LIVE_CHANNEL,
    (payload) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(payload) as LiveEvent;
      } catch {
        return;
      }
      callEach(listeners, event);
    },
    () => callEach(resyncListeners, undefined),
  );
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    close: () => unlisten(),
  };
}

/** Calls every listener; one broken listener must not silence the others. */
function callEach<T>(listeners: Set<(value: T) => void>, value: T) {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch {
      // ignored: see above
    }
  }
}
