import type { BackgroundBlur } from "./background-blur";

/**
 * One interface for a call, whichever provider carries it. The page hands it the local tracks and
 * learns each other person's tracks, the camera track it sends (to preview) and a connection state it can show
 * ("otherHungUp": the other side pressed "End call" and may call again).
 */
export type CallState = "connecting" | "waiting" | "connected" | "reconnecting" | "disconnected" | "otherHungUp";

/** How the line is, measured from the call's statistics every two seconds. */
export type CallQuality = {
  level: "good" | "fair" | "poor";
  /** Round trip to the other side, in milliseconds (null before the first measure). */
  roundTripMs: number | null;
  /** Share of the packets sent to this side that were lost, in per cent. */
  lossPercent: number;
  /** What arrives from the other side, in kilobits a second. */
  receivedKbps: number;
};

/**
 * Video on or off, and why: `audioOnly`, someone pressed "Audio only" (no video either way); `selfWeak`,
 * this side's connection could not hold its video, which is paused while the sound goes on (tried again
 * from time to time); `otherWeak`, the same of the other side.
 */
export type CallMedia = { audioOnly: boolean; selfWeak: boolean; otherWeak: boolean };

/** One other person in the call and what arrives from them (their key in the call: participant-policy.ts). */
export type RemoteParty = { peer: string; tracks: MediaStreamTrack[] };

export type CallCallbacks = {
  /** Everyone else in the call now, each with their tracks (none while connecting). */
  onRemotes(remotes: RemoteParty[]): void;
  onState(state: CallState): void;
  /** The camera track the other side now receives (blurred or not): the page previews this one. */
  onLocalVideo(track: MediaStreamTrack | null): void;
  onQuality?(quality: CallQuality): void;
  onMedia?(media: CallMedia): void;
};

export type Call = {
  /** Swap the camera or microphone without renegotiating (a blurred background stays blurred). */
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  /** Blur the background of the camera the other side receives (null: send the camera as it is). */
  setBackgroundBlur(blur: BackgroundBlur | null): Promise<void>;
  /** Frames of the other side's video decoded so far (from the provider's statistics). */
  framesDecoded(): Promise<number>;
  /** A count that grows while the other side's sound arrives (its audio energy, or bytes with Twilio). */
  audioReceived(): Promise<number>;
  /** "Audio only": no video either way (for a weak line, or by choice); false brings video back. */
  setAudioOnly(on: boolean): void;
  stop(): void;
};
