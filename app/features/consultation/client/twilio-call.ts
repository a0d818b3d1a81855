import type { BackgroundBlur, ProcessableVideoTrack } from "./background-blur";
import type { JoinCredentials } from "../video/join-credentials";
import type { CallCallbacks, Call } from "./call";

/** The part of twilio-video this adapter uses, so that tests can hand it a fake. */
export type TwilioVideoApi = {
  connect(token: string, options: { name: string; tracks: unknown[] }): Promise<TwilioRoom>;
  LocalAudioTrack: new (track: MediaStreamTrack) => unknown;
  LocalVideoTrack: new (track: MediaStreamTrack) => ProcessableVideoTrack;
};

type TwilioTrack = { kind: string; mediaStreamTrack?: MediaStreamTrack };
type TwilioParticipant = {
  identity: string;
  tracks: Map<string, { track: TwilioTrack | null }>;
  on(event: "trackSubscribed" | "trackUnsubscribed", listener: (track: TwilioTrack) => void): unknown;
};
export type TwilioRoom = {
  participants: Map<string, TwilioParticipant>;
  localParticipant: {
    tracks: Map<string, { track: { kind: string; restart?: (constraints: unknown) => Promise<void> } }>;
    publishTrack(track: unknown): Promise<unknown>;
    unpublishTrack(track: unknown): unknown;
  };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  disconnect(): unknown;
  getStats(): Promise<{ remoteVideoTrackStats: { framesDecoded?: number | null }[]; remoteAudioTrackStats: { bytesReceived?: number | null }[] }[]>;
};

declare global {
  interface Window {
    Twilio?: { Video?: TwilioVideoApi };
  }
}

/** twilio-video's prebuilt browser bundle, fetched only when a Twilio call starts. */
export async function loadTwilioVideo(): Promise<TwilioVideoApi> {
  await import("twilio-video/dist/twilio-video.min.js");
  const api = window.Twilio?.Video;
  if (!api) throw new Error("twilio-video did not load");
  return api;
}

/** A call through Twilio Video, behind the same interface as the peer-to-peer one. */
export async function startTwilioCall(options: {
  credentials: JoinCredentials;
  local: MediaStream;
  callbacks: CallCallbacks;
  /** Blur the camera from the first frame sent. */
  blur?: BackgroundBlur | null;
  video?: TwilioVideoApi;
}): Promise<Call> {
  const { credentials, local, callbacks } = options;
  const Video = options.video ?? (await loadTwilioVideo());
  callbacks.onState("connecting");
  const published = new Map<string, unknown>();
  // The camera's LocalVideoTrack carries the blur as a processor: twilio-video sends its processed track.
  let camera: ProcessableVideoTrack | null = null;
  let blur = options.blur ?? null;
  let unblur: (() => void) | null = null;
  const blurCamera = () => {
    unblur?.(); // from the previous camera track, if the camera changed
    unblur = camera && blur ? blur.addTo(camera) : null;
    callbacks.onLocalVideo(camera ? (camera.processedTrack ?? camera.mediaStreamTrack) : null);
  };
  const wrap = (track: MediaStreamTrack) => {
    if (track.kind === "audio") return new Video.LocalAudioTrack(track);
    camera = new Video.LocalVideoTrack(track);
    blurCamera();
    return camera;
  };
  const tracks = local.getTracks().map((track) => {
    const wrapped = wrap(track);
    published.set(track.kind, wrapped);
    return wrapped;
  });
  const room = await Video.connect(credentials.token, { name: credentials.roomName, tracks });

  // A group room: each other participant's tracks by kind, under their identity ("<role>-<digest>": the
  // page names their video by the role).
  const remote = new Map<string, Map<string, MediaStreamTrack>>();
  const report = () => callbacks.onRemotes([...remote].map(([identity, tracks]) => ({ peer: identity.split("-")[0]!, tracks: [...tracks.values()] })));
  const watch = (participant: TwilioParticipant) => {
    const identity = participant.identity;
    const tracks = new Map<string, MediaStreamTrack>();
    remote.set(identity, tracks);
    for (const publication of participant.tracks.values()) {
      if (publication.track?.mediaStreamTrack) tracks.set(publication.track.kind, publication.track.mediaStreamTrack);
    }
    participant.on("trackSubscribed", (track) => {
      if (track.mediaStreamTrack) tracks.set(track.kind, track.mediaStreamTrack);
      report();
    });
    participant.on("trackUnsubscribed", (track) => {
      tracks.delete(track.kind);
      report();
    });
  };
  for (const participant of room.participants.values()) watch(participant);
  room.on("participantConnected", (participant) => {
    watch(participant as TwilioParticipant);
    report();
    callbacks.onState("connected");
  });
  room.on("participantDisconnected", (participant) => {
    remote.delete((participant as TwilioParticipant).identity);
    report();
    callbacks.onState(remote.size ? "connected" : "waiting");
  });
  room.on("reconnecting", () => callbacks.onState("reconnecting"));
  room.on("reconnected", () => callbacks.onState(room.participants.size ? "connected" : "waiting"));
  room.on("disconnected", () => callbacks.onState("disconnected"));
  report();
  callbacks.onState(room.participants.size ? "connected" : "waiting");

  return {
    async replaceTrack(track) {
      const previous = published.get(track.kind);
      if (previous) room.localParticipant.unpublishTrack(previous);
      const next = wrap(track);
      published.set(track.kind, next);
      await room.localParticipant.publishTrack(next);
    },
    async setBackgroundBlur(next) {
      if (next === blur) return;
      blur = next;
      blurCamera();
    },
    async framesDecoded() {
      const reports = await room.getStats();
      return reports.flatMap((r) => r.remoteVideoTrackStats).reduce((sum, s) => sum + (s.framesDecoded ?? 0), 0);
    },
    async audioReceived() {
      const reports = await room.getStats();
      return reports.flatMap((r) => r.remoteAudioTrackStats ?? []).reduce((sum, s) => sum + (s.bytesReceived ?? 0), 0);
    },
    // Twilio's rooms adapt the video to the line themselves (bandwidth profile); "Audio only" here
    // disables this side's camera track, which the other side sees as a paused video.
    setAudioOnly(on) {
      const video = published.get("video") as { enable?: (enabled: boolean) => unknown } | undefined;
      video?.enable?.(!on);
      callbacks.onMedia?.({ audioOnly: on, selfWeak: false, otherWeak: false });
    },
    stop() {
      unblur?.();
      room.disconnect();
    },
  };
}
