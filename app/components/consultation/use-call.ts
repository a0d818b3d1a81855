import { useEffect, useRef, useState, type MutableRefObject } from "react";
import type { BackgroundBlur } from "~/features/consultation/client/background-blur";
import type { Call, CallMedia, CallQuality, CallState, RemoteParty } from "~/features/consultation/client/call";

const NO_MEDIA_NOTICE: CallMedia = { audioOnly: false, selfWeak: false, otherWeak: false };
import type { JoinCredentials } from "~/features/consultation/video/join-credentials";
import type { RoomSocket } from "~/features/consultation/client/room-socket";

declare global {
  interface Window {
    /** For tests and support: frames of the other side's video decoded so far. */
    __yunzhenFramesDecoded?: () => Promise<number>;
    __yunzhenAudioReceived?: () => Promise<number>;
  }
}

/**
 * The call, once `inCall`: joined with whichever provider the server chose (and, if the person chose blur,
 * once it is ready: the other side never sees an unblurred frame), with its state and the other side's
 * tracks (each other person's). `running` is kept pointing at it, for useLocalMedia to hand a new device to. Also the self-view
 * track, the camera the other side receives: before the call (and between calls) the page blurs it itself;
 * in a call the call does, and says which track it sends.
 *
 * `hangUp` ("End call") leaves the call and tells the other side, the visit staying open; `callAgain`
 * joins afresh (after a hang-up, or to recover a dropped call) with a new token.
 */
export function useCall({
  appointmentId,
  self,
  socket,
  inCall,
  local,
  blur,
  blurSettled,
  running,
}: {
  appointmentId: string;
  /** This person's key in the call (participant-policy.ts). */
  self: string;
  socket: RoomSocket | null;
  inCall: boolean;
  local: MediaStream | null;
  blur: BackgroundBlur | null;
  blurSettled: boolean;
  running: MutableRefObject<Call | null>;
}) {
  const [state, setState] = useState<CallState>("connecting");
  const [remotes, setRemotes] = useState<RemoteParty[]>([]);
  const [selfView, setSelfView] = useState<MediaStreamTrack | null>(null);
  const [call, setCall] = useState<Call | null>(null);
  const [hungUp, setHungUp] = useState(false);
  const [quality, setQuality] = useState<CallQuality | null>(null);
  const [media, setMedia] = useState<CallMedia>(NO_MEDIA_NOTICE);
  // Each "Call again" is a new attempt: a fresh token and a fresh connection.
  const [attempt, setAttempt] = useState(0);
  const live = inCall && !hungUp;
  const blurRef = useRef<BackgroundBlur | null>(null);
  blurRef.current = blur;

  // Before the call (and between calls) the page blurs the self-view itself; in a call the call does.
  const camera = local?.getVideoTracks()[0] ?? null;
  useEffect(() => {
    if (call) return;
    if (!camera || !blur) return setSelfView(camera);
    const blurred = blur.blur(camera);
    setSelfView(blurred.track);
    return () => blurred.stop();
  }, [call, camera, blur]);
  useEffect(() => {
    void call?.setBackgroundBlur(blur);
  }, [call, blur]);

  // Join once admitted (and once the saved blur choice is honoured).
  const hasLocal = Boolean(local);
  useEffect(() => {
    if (!live || !socket || !local || !blurSettled) return;
    let stopped = false;
    let joined: Call | null = null;
    setState("connecting");
    (async () => {
      const response = await fetch(`/consult/${appointmentId}/token`, { method: "POST", headers: { "X-Requested-With": "fetch" } });
      if (!response.ok) throw new Error(`token ${response.status}`);
      const credentials = (await response.json()) as JoinCredentials;
      const callbacks = { onRemotes: setRemotes, onState: setState, onLocalVideo: setSelfView, onQuality: setQuality, onMedia: setMedia };
      // Blurred from the first frame when the person chose it before the call.
      const blur = blurRef.current;
      if (credentials.provider === "twilio") {
        const { startTwilioCall } = await import("~/features/consultation/client/twilio-call");
        joined = await startTwilioCall({ credentials, local, callbacks, blur });
      } else {
        const { startP2PCall } = await import("~/features/consultation/client/p2p-call");
        joined = startP2PCall({ self, credentials, socket, local, callbacks, blur });
      }
      if (stopped) return joined.stop();
      running.current = joined;
      setCall(joined);
      window.__yunzhenFramesDecoded = () => joined?.framesDecoded() ?? Promise.resolve(0);
      window.__yunzhenAudioReceived = () => joined?.audioReceived() ?? Promise.resolve(0);
    })().catch(() => setState("disconnected"));
    return () => {
      stopped = true;
      joined?.stop();
      running.current = null;
      setCall(null);
      setQuality(null);
      setMedia(NO_MEDIA_NOTICE);
      setRemotes([]);
    };
    // The call keeps the stream it started with; device changes go through replaceTrack.
  }, [live, socket, hasLocal, blurSettled, appointmentId, self, attempt]);

  const hangUp = () => {
    // Said first, so that the other side hears "ended the call" rather than a dropped line.
    socket?.send({ type: "leave" });
    setHungUp(true);
    setState("connecting");
  };
  const callAgain = () => {
    setHungUp(false);
    setAttempt((n) => n + 1);
  };
  const setAudioOnly = (on: boolean) => call?.setAudioOnly(on);
  return { state, remotes, selfView, hungUp, hangUp, callAgain, quality, media, setAudioOnly };
}
