import { describe, expect, it } from "vitest";
import { sessions } from "~db/schema";
import { startSession } from "~/features/auth/session.server";
import type { LiveEvent } from "~/features/live/events";
import type { LiveHub } from "~/features/live/hub.server";
import { createLiveDelivery, type CloseReason } from "~/features/live/live-delivery.server";
import { PLAIN_COOKIES } from "../helpers/config";
import { useTestDatabase } from "../helpers/database";
import { makeUser } from "../helpers/factories";

const testDatabase = useTestDatabase();
const db = () => testDatabase.handle.db;

/** A hub in the test's hand: it publishes what the test says. */
function fakeHub() {
  const listeners = new Set<(event: LiveEvent) => void>();
  const resyncs = new Set<() => void>();
  const hub: LiveHub = {
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    onResync: (listener) => (resyncs.add(listener), () => resyncs.delete(listener)),
    close: async () => {},
  };
  return { hub, publish: (event: LiveEvent) => listeners.forEach((l) => l(event)), resync: () => resyncs.forEach((l) => l()) };
}

async function sessionOf(userId: string) {
  await startSession(db(), userId, null, "password", PLAIN_COOKIES);
  const [row] = await db().select().from(sessions);
  return row!;
}

const waitFor = async (check: () => boolean, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe("live delivery and the sessions connections belong to", () => {
  it("closes the connections of sessions that ended, on this instance, and no others", async () => {
    const { hub, publish } = fakeHub();
    const delivery = createLiveDelivery({ db: db(), hub });
    const closed: [string, CloseReason][] = [];
    const connect = (userId: string, sessionId: string, name: string) =>
      delivery.addStream({ kind: "board", userId, sessionId, sessionEndsAt: new Date(Date.now() + 3600_000), close: (reason) => closed.push([name, reason]) }, () => {});
    connect("u1", "s1", "first");
    connect("u1", "s2", "second");
    connect("u2", "s3", "other user");
    publish({ kind: "sessions-ended", sessionIds: ["s1"] });
    expect(closed).toEqual([["first", "session-ended"]]);
    publish({ kind: "sessions-ended", userId: "u1", except: "s9" });
    expect(closed).toEqual([["first", "session-ended"], ["second", "session-ended"]]);
    await delivery.close();
    expect(closed.at(-1)).toEqual(["other user", "server-closing"]);
  });

  it("closes a room's connection when its join window closes", async () => {
    const { hub } = fakeHub();
    let now = Date.now();
    const delivery = createLiveDelivery({ db: db(), hub, now: () => now });
    const closed: CloseReason[] = [];
    delivery.addRoom(
      { role: "patient", peer: "patient", appointmentId: "a", doctorId: "d", status: "checked_in", joined: false, socketId: "x", userId: "u", sessionId: "s", sessionEndsAt: new Date(now + 3600_000), closesAt: new Date(now + 60_000), close: (reason) => closed.push(reason) },
      () => {},
    );
    now += 61_000;
    expect(await waitFor(() => closed.length > 0)).toBe(true);
    expect(closed).toEqual(["window-closed"]);
    await delivery.close();
  });

  it("at a session's end reads it again: a session renewed by pages lives on, an ended one closes", async () => {
    const { hub } = fakeHub();
    const user = await makeUser(db());
    const session = await sessionOf(user.id);
    let now = Date.now();
    const delivery = createLiveDelivery({ db: db(), hub, now: () => now });
    const closed: CloseReason[] = [];
    const connection = { kind: "board" as const, userId: user.id, sessionId: session.id, sessionEndsAt: new Date(now + 1_000), close: (reason: CloseReason) => closed.push(reason) };
    delivery.addStream(connection, () => {});
    // The connection thought the session ended in a second; the database says it was renewed.
    now += 2_000;
    expect(await waitFor(() => connection.sessionEndsAt.getTime() === session.expiresAt.getTime())).toBe(true);
    expect(closed).toEqual([]);
    // Now it is gone (signed out without the event reaching us): the next check closes the connection.
    await db().delete(sessions);
    connection.sessionEndsAt = new Date(now - 1);
    expect(await waitFor(() => closed.length > 0)).toBe(true);
    expect(closed).toEqual(["session-ended"]);
    await delivery.close();
  });

  it("after a lost database connection checks every connection's session again", async () => {
    const { hub, resync } = fakeHub();
    const delivery = createLiveDelivery({ db: db(), hub });
    const closed: CloseReason[] = [];
    const messages: unknown[] = [];
    delivery.addStream({ kind: "board", userId: "nobody", sessionId: "gone", sessionEndsAt: new Date(Date.now() + 3600_000), close: (reason) => closed.push(reason) }, (m) => messages.push(m));
    resync();
    expect(messages).toEqual(["resync"]);
    expect(await waitFor(() => closed.length > 0)).toBe(true);
    expect(closed).toEqual(["session-ended"]);
    await delivery.close();
  });
});
