import type { BackgroundBlur } from "./background-blur";

/**
 * One interface for a call, whichever provider carries it. The page hands it the local tracks and
 * learns the remote tracks, the camera track it sends (to preview) and a connection state it can show
 * ("otherHungUp": the other side pressed "End call" and may call again).
 */
export type CallState = "connecting" | "waiting" | "connected" | "reconnecting" | "disconnected" | "otherHungUp";

export type CallCallbacks = {
  onRemoteTracks(tracks: MediaStreamTrack[]): void;
  onState(state: CallState): void;
  /** The camera track the other side now receives (blurred or not): the page previews this one. */
  onLocalVideo(track: MediaStreamTrack | null): void;
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
  stop(): void;
};
