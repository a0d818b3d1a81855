import { describe, expect, it } from "vitest";
import { BackgroundBlur } from "~/features/consultation/client/background-blur";
import type { CallState } from "~/features/consultation/client/call";
import { startTwilioCall, type TwilioRoom, type TwilioVideoApi } from "~/features/consultation/client/twilio-call";

type Listener = (...args: unknown[]) => void;
class Emitter {
  listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

const track = (kind: "audio" | "video", id: string) => ({ kind, id, readyState: "live" }) as unknown as MediaStreamTrack;

function fakeTwilio() {
  const calls: { token: string; options: { name: string; tracks: unknown[] } }[] = [];
  const room = Object.assign(new Emitter(), {
    participants: new Map<string, Emitter & { tracks: Map<string, { track: unknown }> }>(),
    localParticipant: {
      tracks: new Map(),
      published: [] as unknown[],
      unpublished: [] as unknown[],
      async publishTrack(t: unknown) {
        this.published.push(t);
        return t;
      },
      unpublishTrack(t: unknown) {
        this.unpublished.push(t);
      },
    },
    disconnected: false,
    disconnect() {
      this.disconnected = true;
    },
    async getStats() {
      return [{ remoteVideoTrackStats: [{ framesDecoded: 42 }] }];
    },
  });
  class LocalAudioTrack {
    constructor(readonly mediaStreamTrack: MediaStreamTrack) {}
    kind = "audio";
  }
  class LocalVideoTrack {
    constructor(readonly mediaStreamTrack: MediaStreamTrack) {}
    kind = "video";
    processor: unknown = null;
    processedTrack: MediaStreamTrack | null = null;
    addProcessor(processor: unknown) {
      if (this.processor) throw new Error("A VideoProcessor has already been added.");
      this.processor = processor;
      this.processedTrack = track("video", `blurred-${this.mediaStreamTrack.id}`);
    }
    removeProcessor(processor: unknown) {
      if (this.processor !== processor) throw new Error("not this track's processor");
      this.processor = null;
      this.processedTrack = null;
    }
  }
  const api: TwilioVideoApi = {
    async connect(token, options) {
      calls.push({ token, options });
      return room as unknown as TwilioRoom;
    },
    LocalAudioTrack,
    LocalVideoTrack,
  };
  return { api, room, calls };
}

const credentials = {
  provider: "twilio" as const,
  token: "jwt-token",
  roomName: "0123456789abcdef0123456789abcdef",
  identity: "patient-abc",
  expiresAt: "2031-03-03T02:00:00Z",
  iceServers: [],
};

describe("the Twilio call adapter", () => {
  it("joins the consultation's room with the token and the local tracks, and reports the other side's tracks", async () => {
    const { api, room, calls } = fakeTwilio();
    const states: CallState[] = [];
    let remote: { peer: string; tracks: MediaStreamTrack[] }[] = [];
    const local = { getTracks: () => [track("audio", "mic"), track("video", "cam")] } as unknown as MediaStream;
    const session = await startTwilioCall({
      credentials,
      local,
      video: api,
      callbacks: { onRemotes: (r) => (remote = r), onState: (s) => states.push(s), onLocalVideo: () => {} },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.token).toBe("jwt-token");
    expect(calls[0]!.options.name).toBe(credentials.roomName);
    expect(calls[0]!.options.tracks.map((t) => (t as { kind: string }).kind)).toEqual(["audio", "video"]);
    expect(states.at(-1)).toBe("waiting");

    const doctor = Object.assign(new Emitter(), { identity: "doctor-0123abcd", tracks: new Map() });
    room.participants.set("PA-doctor", doctor);
    room.emit("participantConnected", doctor);
    expect(states.at(-1)).toBe("connected");
    const remoteVideo = track("video", "remote-cam");
    doctor.emit("trackSubscribed", { kind: "video", mediaStreamTrack: remoteVideo });
    expect(remote).toEqual([{ peer: "doctor", tracks: [remoteVideo] }]);
    // A colleague joins the group room: each person's tracks apart, named by role.
    const colleague = Object.assign(new Emitter(), { identity: "colleague-4567cdef", tracks: new Map() });
    room.participants.set("PA-colleague", colleague);
    room.emit("participantConnected", colleague);
    const colleagueVideo = track("video", "colleague-cam");
    colleague.emit("trackSubscribed", { kind: "video", mediaStreamTrack: colleagueVideo });
    expect(remote).toEqual([
      { peer: "doctor", tracks: [remoteVideo] },
      { peer: "colleague", tracks: [colleagueVideo] },
    ]);
    room.participants.delete("PA-colleague");
    room.emit("participantDisconnected", colleague);
    expect(remote).toEqual([{ peer: "doctor", tracks: [remoteVideo] }]);
    expect(await session.framesDecoded()).toBe(42);

    room.emit("reconnecting");
    expect(states.at(-1)).toBe("reconnecting");
    room.emit("reconnected");
    expect(states.at(-1)).toBe("connected");
    room.participants.delete("PA-doctor");
    room.emit("participantDisconnected", doctor);
    expect(remote).toEqual([]);
    expect(states.at(-1)).toBe("waiting");

    await session.replaceTrack(track("video", "other-cam"));
    expect(room.localParticipant.unpublished).toHaveLength(1);
    expect(room.localParticipant.published).toHaveLength(1);
    session.stop();
    expect(room.disconnected).toBe(true);
  });

  it("blurs the camera with twilio-video's processor from the first frame, keeps it on a new camera, and removes it", async () => {
    const { api, room, calls } = fakeTwilio();
    const blur = new BackgroundBlur({ processFrame: async () => {} });
    let preview: MediaStreamTrack | null = null;
    const local = { getTracks: () => [track("audio", "mic"), track("video", "cam")] } as unknown as MediaStream;
    const session = await startTwilioCall({
      credentials,
      local,
      video: api,
      blur,
      callbacks: { onRemotes: () => {}, onState: () => {}, onLocalVideo: (t) => (preview = t) },
    });
    type Video = { kind: string; processor: unknown; mediaStreamTrack: MediaStreamTrack };
    const sent = calls[0]!.options.tracks.find((t) => (t as Video).kind === "video") as Video;
    expect(sent.processor).not.toBeNull();
    expect(preview!.id).toBe("blurred-cam");

    await session.replaceTrack(track("video", "other-cam"));
    const next = room.localParticipant.published[0] as Video;
    expect(sent.processor).toBeNull();
    expect(next.processor).not.toBeNull();
    expect(preview!.id).toBe("blurred-other-cam");

    await session.setBackgroundBlur(null);
    expect(next.processor).toBeNull();
    expect(preview!.id).toBe("other-cam");
    await session.setBackgroundBlur(blur);
    expect(next.processor).not.toBeNull();
    session.stop();
    expect(next.processor).toBeNull();
  });
});
