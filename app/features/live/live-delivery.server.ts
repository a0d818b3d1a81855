/**
 * Live delivery: every open page that shows live state — a consultation room's socket, a doctor's Today,
 * the clinic board — is registered here, hears of each change on any app instance (PostgreSQL NOTIFY,
 * through the hub) as `delivery-rules.server.ts` decides, and belongs to a login session: when that
 * session ends (sign-out, password change, expiry, deactivation) or a room's join window closes, the
 * connection is closed, on every instance, within a few seconds.
 */
import type { Db } from "~db/client.server";
import { sessionEnds } from "~/features/auth/session.server";
import type { LiveEvent, ServerMessage, StreamAppointment } from "./events";
import type { LiveHub } from "./hub.server";
import { roomMessageFor, roomStatusAfter, streamMessageFor, type RoomSubscriber, type StreamSubscriber } from "./delivery-rules.server";

export type CloseReason = "session-ended" | "window-closed" | "server-closing";

/** What every live connection has: the login session it belongs to, and how to end it. */
export type LiveConnection = {
  userId: string;
  sessionId: string;
  /** When the session ends unless pages renew it: then it is read again, and the connection closes if it did end. */
  sessionEndsAt: Date;
  /** A room's connection also closes when its join window does. */
  closesAt?: Date;
  close(reason: CloseReason): void;
};

export type StreamMessage = StreamAppointment | "resync";

export type LiveDelivery = {
  /** An open room; `send` receives what the delivery rules decide. Returns what removes it. */
  addRoom(room: RoomSubscriber & LiveConnection, send: (message: ServerMessage) => void): () => void;
  /** A schedule page's event stream. `resync` means: read everything again (events were lost). */
  addStream(stream: StreamSubscriber & LiveConnection, send: (message: StreamMessage) => void): () => void;
  /** Rooms open on this instance, for the room socket's own work (presence replies, resync). */
  rooms(): Iterable<RoomSubscriber & LiveConnection>;
  /** Called with every event after it has been delivered (the room socket answers presence). */
  onEvent(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
};

/** How often connections are checked against their session's end and their window. */
const SWEEP_MS = 1_000;

type Entry = LiveConnection & { deliver(event: LiveEvent): void; resync(): void };

export function createLiveDelivery(options: { db: Db; hub: LiveHub; now?: () => number }): LiveDelivery {
  const { db, hub } = options;
  const now = options.now ?? Date.now;
  const entries = new Set<Entry>();
  const roomEntries = new Map<Entry, RoomSubscriber & LiveConnection>();
  const eventListeners = new Set<(event: LiveEvent) => void>();

  const end = (entry: Entry, reason: CloseReason) => {
    if (!entries.delete(entry)) return;
    roomEntries.delete(entry);
    try {
      entry.close(reason);
    } catch {
      // already closed
    }
  };

  const unsubscribe = hub.subscribe((event) => {
    if (event.kind === "sessions-ended") {
      for (const entry of entries) {
        const ended =
          "sessionIds" in event ? event.sessionIds.includes(entry.sessionId) : entry.userId === event.userId && entry.sessionId !== event.except;
        if (ended) end(entry, "session-ended");
      }
      return;
    }
    for (const entry of entries) entry.deliver(event);
    for (const listener of eventListeners) listener(event);
  });
  // Events (session ends among them) were lost while the database was away: pages read their state
  // again, and every connection's session is checked.
  const unResync = hub.onResync(() => {
    for (const entry of entries) entry.resync();
    void recheck([...entries]);
  });

  /** Reads the sessions of these connections again: renewed ones live on, ended ones close. */
  let checking = false;
  async function recheck(due: Entry[]) {
    if (due.length === 0 || checking) return;
    checking = true;
    try {
      const ends = await sessionEnds(db, [...new Set(due.map((e) => e.sessionId))]);
      for (const entry of due) {
        const endsAt = ends.get(entry.sessionId);
        if (endsAt) entry.sessionEndsAt = endsAt;
        else end(entry, "session-ended");
      }
    } catch {
      // the database is away: the next sweep asks again
    } finally {
      checking = false;
    }
  }

  const sweep = setInterval(() => {
    const at = now();
    const due: Entry[] = [];
    for (const entry of entries) {
      if (entry.closesAt && entry.closesAt.getTime() <= at) end(entry, "window-closed");
      else if (entry.sessionEndsAt.getTime() <= at) due.push(entry);
    }
    void recheck(due);
  }, SWEEP_MS);
  sweep.unref();

  const add = (entry: Entry) => {
    entries.add(entry);
    return () => {
      entries.delete(entry);
      roomEntries.delete(entry);
    };
  };

  return {
    addRoom(room, send) {
      const entry: Entry = Object.assign(room, {
        deliver(event: LiveEvent) {
          room.status = roomStatusAfter(room, event);
          const message = roomMessageFor(room, event);
          if (message) send(message);
        },
        resync() {
          send({ type: "stale" });
        },
      });
      roomEntries.set(entry, room);
      return add(entry);
    },
    addStream(stream, send) {
      const entry: Entry = Object.assign(stream, {
        deliver(event: LiveEvent) {
          const message = streamMessageFor(stream, event);
          if (message) send(message);
        },
        resync() {
          send("resync");
        },
      });
      return add(entry);
    },
    rooms: () => roomEntries.values(),
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    async close() {
      clearInterval(sweep);
      unsubscribe();
      unResync();
      for (const entry of [...entries]) end(entry, "server-closing");
    },
  };
}
