import { useEffect, useRef, useState, type MutableRefObject } from "react";
import type { BackgroundBlur } from "~/features/consultation/client/background-blur";
import type { Call, CallMedia, CallQuality, CallState, RemoteParty } from "~/features/consultation/client/call";
import type { RoomSocket } from "~/features/consultation/client/room-socket";
import type { JoinCredentials } from "~/features/consultation/video/join-credentials";

const NO_MEDIA_NOTICE: CallMedia = { audioOnly: false, selfWeak: false, otherWeak: false };

declare global {
  interface Window {
    /** For tests and support: frames of the other side's video decoded so far. */
    __yunzhenFramesDecoded?: () => Promise<number>;
    __yunzhenAudioReceived?: () => Promise<number>;
  }
}

/**
 * The call, joined with whichever provider the server chose (and, if the person chose blur, once it is
 * ready: the other side never sees an unblurred frame), with its state and each other person's tracks.
 * `running` is kept pointing at it, for useLocalMedia to hand a new device to; `onCall` and
 * `onSelfView` tell the page the call that runs and the camera track it sends (blurred or not), which
 * the self-view shows in place of the page's own preview.
 *
 * `hangUp` ("End call") leaves the call and tells the other side, the visit staying open; `callAgain`
 * joins afresh (after a hang-up, or to recover a dropped call) with a new token.
 */
export function useCall({
  appointmentId,
  self,
  socket,
  local,
  blur,
  blurSettled,
  running,
  onCall,
  onSelfView,
}: {
  appointmentId: string;
  /** This person's key in the call (participant-policy.ts). */
  self: string;
  socket: RoomSocket | null;
  local: MediaStream | null;
  blur: BackgroundBlur | null;
  blurSettled: boolean;
  running: MutableRefObject<Call | null>;
  onCall: (call: Call | null) => void;
  onSelfView: (track: MediaStreamTrack | null) => void;
}) {
  const [state, setState] = useState<CallState>("connecting");
  const [remotes, setRemotes] = useState<RemoteParty[]>([]);
  const [call, setCall] = useState<Call | null>(null);
  const [hungUp, setHungUp] = useState(false);
  const [quality, setQuality] = useState<CallQuality | null>(null);
  const [media, setMedia] = useState<CallMedia>(NO_MEDIA_NOTICE);
  // Each "Call again" is a new attempt: a fresh token and a fresh connection.
  const [attempt, setAttempt] = useState(0);
  const blurRef = useRef<BackgroundBlur | null>(null);
  blurRef.current = blur;
  const report = useRef({ onCall, onSelfView });
  report.current = { onCall, onSelfView };

  useEffect(() => {
    void call?.setBackgroundBlur(blur);
  }, [call, blur]);

  // Join (once the saved blur choice is honoured); leave on a hang-up or when the call is over.
  const hasLocal = Boolean(local);
  useEffect(() => {
    if (hungUp || !socket || !local || !blurSettled) return;
    let stopped = false;
    let joined: Call | null = null;
    setState("connecting");
    (async () => {
      const response = await fetch(`/consult/${appointmentId}/token`, { method: "POST", headers: { "X-Requested-With": "fetch" } });
      if (!response.ok) throw new Error(`token ${response.status}`);
      const credentials = (await response.json()) as JoinCredentials;
      const onLocalVideo = (track: MediaStreamTrack | null) => report.current.onSelfView(track);
      const callbacks = { onRemotes: setRemotes, onState: setState, onLocalVideo, onQuality: setQuality, onMedia: setMedia };
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
      report.current.onCall(joined);
      window.__yunzhenFramesDecoded = () => joined?.framesDecoded() ?? Promise.resolve(0);
      window.__yunzhenAudioReceived = () => joined?.audioReceived() ?? Promise.resolve(0);
    })().catch(() => setState("disconnected"));
    return () => {
      stopped = true;
      joined?.stop();
      running.current = null;
      setCall(null);
      report.current.onCall(null);
      setQuality(null);
      setMedia(NO_MEDIA_NOTICE);
      setRemotes([]);
    };
    // The call keeps the stream it started with; device changes go through replaceTrack.
  }, [hungUp, socket, hasLocal, blurSettled, appointmentId, self, attempt]);

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
  return { state, remotes, hungUp, hangUp, callAgain, quality, media, setAudioOnly };
}
