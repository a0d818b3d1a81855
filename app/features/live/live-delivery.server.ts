/**
 * Live delivery: every open page that shows live state — a consultation room's socket, a doctor's Today,
 * the clinic board — is registered here, hears of each change on any app instance (PostgreSQL NOTIFY,
 * through the hub) as `delivery-rules.server.ts` decides, and belongs to a login session: when that
 * session ends (sign-out, password change, expiry, deactivation) or a room's join window closes, the
 * connection is closed, on every instance, within a few seconds.
 */
import type { Db } from "~db/client.server";
import { sessionEnds } from "~/features/auth/session.server";
import type { LiveEvent, ServerMessage, StreamAppointment, StreamPresence } from "./events";
import type { LiveHub } from "./hub.server";
import {
  roomMessageFor,
  roomStatusAfter,
  streamMessageFor,
  streamPresenceFor,
  type RoomSubscriber,
  type StreamSubscriber,
} from "./delivery-rules.server";

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

export type StreamMessage = StreamAppointment | { presence: StreamPresence } | "resync";

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

/**
 * Which connections an event can concern, so that each event visits those and not every open page (at
 * 9 am a worker holds a thousand rooms and hears every check-in of the hospital): an appointment's change
 * concerns its doctor's rooms and Today, and the boards; chat, signals and presence the appointment's own
 * rooms; a patient's presence their doctor's pages. Only a narrowing: what each of them receives is still decided by `delivery-rules.server.ts`,
 * which says nothing to anyone else.
 */
function createAudience() {
  const byDoctor = new Map<string, Set<Entry>>();
  const byAppointment = new Map<string, Set<Entry>>();
  const boards = new Set<Entry>();
  const put = (index: Map<string, Set<Entry>>, key: string, entry: Entry) => {
    const set = index.get(key);
    if (set) set.add(entry);
    else index.set(key, new Set([entry]));
  };
  const drop = (index: Map<string, Set<Entry>>, key: string, entry: Entry) => {
    const set = index.get(key);
    if (set?.delete(entry) && set.size === 0) index.delete(key);
  };
  return {
    addRoom(entry: Entry, room: RoomSubscriber) {
      put(byDoctor, room.doctorId, entry);
      put(byAppointment, room.appointmentId, entry);
      return () => {
        drop(byDoctor, room.doctorId, entry);
        drop(byAppointment, room.appointmentId, entry);
      };
    },
    addStream(entry: Entry, stream: StreamSubscriber) {
      if (stream.kind === "board") {
        boards.add(entry);
        return () => void boards.delete(entry);
      }
      put(byDoctor, stream.doctorId, entry);
      return () => drop(byDoctor, stream.doctorId, entry);
    },
    /** A copy: delivering may close a connection, and so change the indexes. */
    of(event: LiveEvent): Entry[] {
      switch (event.kind) {
        case "appointment":
          return [...(byDoctor.get(event.doctorId) ?? []), ...boards];
        case "patient-presence":
          return [...(byDoctor.get(event.doctorId) ?? [])];
        case "chat":
        case "attachment":
        case "signal":
        case "presence":
        case "participants":
          return [...(byAppointment.get(event.appointmentId) ?? [])];
        default:
          return [];
      }
    },
  };
}

export function createLiveDelivery(options: { db: Db; hub: LiveHub; now?: () => number }): LiveDelivery {
  const { db, hub } = options;
  const now = options.now ?? Date.now;
  /** Every open connection, with what takes it out of the audience's indexes. */
  const entries = new Map<Entry, () => void>();
  const roomEntries = new Map<Entry, RoomSubscriber & LiveConnection>();
  const audience = createAudience();
  const eventListeners = new Set<(event: LiveEvent) => void>();

  const remove = (entry: Entry) => {
    const leaveAudience = entries.get(entry);
    if (!leaveAudience) return false;
    entries.delete(entry);
    roomEntries.delete(entry);
    leaveAudience();
    return true;
  };
  const end = (entry: Entry, reason: CloseReason) => {
    if (!remove(entry)) return;
    try {
      entry.close(reason);
    } catch {
      // already closed
    }
  };

  const unsubscribe = hub.subscribe((event) => {
    if (event.kind === "sessions-ended") {
      for (const entry of entries.keys()) {
        const ended =
          "sessionIds" in event ? event.sessionIds.includes(entry.sessionId) : entry.userId === event.userId && entry.sessionId !== event.except;
        if (ended) end(entry, "session-ended");
      }
      return;
    }
    for (const entry of audience.of(event)) entry.deliver(event);
    for (const listener of eventListeners) listener(event);
  });
  // Events (session ends among them) were lost while the database was away: pages read their state
  // again, and every connection's session is checked.
  const unResync = hub.onResync(() => {
    for (const entry of entries.keys()) entry.resync();
    void recheck([...entries.keys()]);
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
    for (const entry of entries.keys()) {
      if (entry.closesAt && entry.closesAt.getTime() <= at) end(entry, "window-closed");
      else if (entry.sessionEndsAt.getTime() <= at) due.push(entry);
    }
    void recheck(due);
  }, SWEEP_MS);
  sweep.unref();

  const add = (entry: Entry, leaveAudience: () => void) => {
    entries.set(entry, leaveAudience);
    return () => void remove(entry);
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
      return add(entry, audience.addRoom(entry, room));
    },
    addStream(stream, send) {
      const entry: Entry = Object.assign(stream, {
        deliver(event: LiveEvent) {
          const message = streamMessageFor(stream, event);
          if (message) send(message);
          const presence = streamPresenceFor(stream, event);
          if (presence) send({ presence });
        },
        resync() {
          send("resync");
        },
      });
      return add(entry, audience.addStream(entry, stream));
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
      for (const entry of [...entries.keys()]) end(entry, "server-closing");
    },
  };
}
