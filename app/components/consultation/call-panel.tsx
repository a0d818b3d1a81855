import { useEffect, useRef, useState } from "react";
import {
  loadBackgroundBlur,
  readBlurPreference,
  saveBlurPreference,
  type BackgroundBlur,
} from "~/features/consultation/client/background-blur";
import type { Call, CallState, JoinCredentials } from "~/features/consultation/client/call";
import {
  listDevices,
  LocalMediaError,
  openLocalMedia,
  stopMedia,
  watchMicrophoneLevel,
  type Device,
  type MediaProblem,
} from "~/features/consultation/client/local-media";
import type { RoomSocket } from "~/features/consultation/client/room-socket";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

const PROBLEM_MESSAGE: Record<MediaProblem, MessageKey> = {
  denied: "call.permissionDenied",
  none: "call.noDevice",
  error: "call.deviceError",
};

const STATE_MESSAGE: Record<CallState, MessageKey> = {
  connecting: "call.connecting",
  waiting: "call.waitingForOther",
  connected: "call.connected",
  reconnecting: "call.reconnecting",
  disconnected: "call.disconnected",
};

declare global {
  interface Window {
    /** For tests and support: frames of the other side's video decoded so far. */
    __yunzhenFramesDecoded?: () => Promise<number>;
  }
}

/**
 * The local camera and microphone (the pre-call check: preview, microphone level, device pickers, plain
 * help when something is wrong) and, once `inCall`, the call itself with either provider.
 */
export function CallPanel({
  appointmentId,
  role,
  socket,
  inCall,
}: {
  appointmentId: string;
  role: "patient" | "doctor";
  socket: RoomSocket | null;
  inCall: boolean;
}) {
  const t = useT();
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [devices, setDevices] = useState<{ cameras: Device[]; microphones: Device[] }>({ cameras: [], microphones: [] });
  const [choice, setChoice] = useState<{ cameraId?: string; microphoneId?: string }>({});
  const [level, setLevel] = useState(0);
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [state, setState] = useState<CallState>("connecting");
  const [remote, setRemote] = useState<MediaStreamTrack[]>([]);
  const [attempt, setAttempt] = useState(0);
  // Background blur: what the person chose (null until the saved choice is read), the loaded blur once it
  // is ready, whether it failed, and whether the saved choice has been honoured (the call waits for that).
  const [blurWanted, setBlurWanted] = useState<boolean | null>(null);
  const [blur, setBlur] = useState<BackgroundBlur | null>(null);
  const [blurFailed, setBlurFailed] = useState(false);
  const [blurSettled, setBlurSettled] = useState(false);
  const blurRef = useRef<BackgroundBlur | null>(null);
  blurRef.current = blur;
  // The camera track shown in the local preview: the one the other side receives, blurred or not.
  const [preview, setPreview] = useState<MediaStreamTrack | null>(null);
  const [session, setSession] = useState<Call | null>(null);
  const sessionRef = useRef<Call | null>(null);
  const localVideo = useRef<HTMLVideoElement>(null);
  const remoteVideo = useRef<HTMLVideoElement>(null);

  // Open (or re-open with another device) the local media.
  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    setProblem(null);
    openLocalMedia(choice)
      .then(async (stream) => {
        if (cancelled) return stopMedia(stream);
        opened = stream;
        setLocal((previous) => {
          // Keep the call going: hand the new tracks to the running session.
          for (const track of stream.getTracks()) void sessionRef.current?.replaceTrack(track);
          if (previous && previous !== stream) stopMedia(previous);
          return stream;
        });
        setDevices(await listDevices());
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(error instanceof LocalMediaError ? error.problem : "error");
      });
    return () => {
      cancelled = true;
      void opened;
    };
  }, [choice, attempt]);

  useEffect(() => () => stopMedia(local), [local]);

  useEffect(() => {
    if (!local) return;
    return watchMicrophoneLevel(local, setLevel);
  }, [local]);

  useEffect(() => setBlurWanted(readBlurPreference()), []);
  useEffect(() => {
    if (blurWanted === null) return;
    if (!blurWanted) {
      setBlurSettled(true);
      return setBlur(null);
    }
    let cancelled = false;
    loadBackgroundBlur()
      .then((loaded) => {
        if (cancelled) return;
        setBlur(loaded);
        setBlurSettled(true);
      })
      .catch(() => {
        if (cancelled) return;
        // The call goes on unblurred; the choice stays saved for a browser or a connection that can.
        setBlurFailed(true);
        setBlurWanted(false);
      });
    return () => {
      cancelled = true;
    };
  }, [blurWanted]);

  // Before the call (and between calls) the panel blurs the preview itself; in a call the session does.
  const camera = local?.getVideoTracks()[0] ?? null;
  useEffect(() => {
    if (session) return;
    if (!camera || !blur) return setPreview(camera);
    const blurred = blur.blur(camera);
    setPreview(blurred.track);
    return () => blurred.stop();
  }, [session, camera, blur]);
  useEffect(() => {
    void session?.setBackgroundBlur(blur);
  }, [session, blur]);

  useEffect(() => {
    if (localVideo.current) localVideo.current.srcObject = preview ? new MediaStream([preview]) : null;
  }, [preview]);

  useEffect(() => {
    for (const track of local?.getAudioTracks() ?? []) track.enabled = !muted;
  }, [local, muted]);
  useEffect(() => {
    // The blurred copy too: it would otherwise keep showing its last frame.
    for (const track of [...(local?.getVideoTracks() ?? []), ...(preview ? [preview] : [])]) track.enabled = !cameraOff;
  }, [local, preview, cameraOff]);

  useEffect(() => {
    if (remoteVideo.current) remoteVideo.current.srcObject = remote.length ? new MediaStream(remote) : null;
  }, [remote]);

  // Join the call once admitted, with whichever provider the server chose (and, if the person chose blur
  // before, once it is ready: the other side never sees an unblurred frame).
  const hasLocal = Boolean(local);
  useEffect(() => {
    if (!inCall || !socket || !local || !blurSettled) return;
    let stopped = false;
    let session: Call | null = null;
    setState("connecting");
    (async () => {
      const response = await fetch(`/consult/${appointmentId}/token`, { method: "POST", headers: { "X-Requested-With": "fetch" } });
      if (!response.ok) throw new Error(`token ${response.status}`);
      const credentials = (await response.json()) as JoinCredentials;
      const callbacks = { onRemoteTracks: setRemote, onState: setState, onLocalVideo: setPreview };
      // Blurred from the first frame when the person chose it before the call.
      const blur = blurRef.current;
      if (credentials.provider === "twilio") {
        const { startTwilioCall } = await import("~/features/consultation/client/twilio-call");
        session = await startTwilioCall({ credentials, local, callbacks, blur });
      } else {
        const { startP2PCall } = await import("~/features/consultation/client/p2p-call");
        session = startP2PCall({ role, credentials, socket, local, callbacks, blur });
      }
      if (stopped) return session.stop();
      sessionRef.current = session;
      setSession(session);
      window.__yunzhenFramesDecoded = () => session?.framesDecoded() ?? Promise.resolve(0);
    })().catch(() => setState("disconnected"));
    return () => {
      stopped = true;
      session?.stop();
      sessionRef.current = null;
      setSession(null);
      setRemote([]);
    };
    // The session keeps the stream it started with; device changes go through replaceTrack.
  }, [inCall, socket, hasLocal, blurSettled, appointmentId, role]);

  if (problem) {
    return (
      <section className="card call-panel" aria-labelledby="call-check">
        <h2 id="call-check">{t("call.check")}</h2>
        <p className="form-error" role="alert">
          {t(PROBLEM_MESSAGE[problem])}
        </p>
        <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
          {t("call.retry")}
        </button>
      </section>
    );
  }

  return (
    <section className={inCall ? "call-panel call-panel--live" : "card call-panel"} aria-label={inCall ? t("consult.heading") : t("call.check")}>
      {!inCall ? <h2>{t("call.check")}</h2> : null}
      <div className={inCall ? "call-stage" : "call-preview"}>
        {inCall ? (
          <video ref={remoteVideo} className="call-stage__remote" autoPlay playsInline data-testid="remote-video" />
        ) : null}
        <video ref={localVideo} className={inCall ? "call-stage__local" : "call-preview__video"} autoPlay playsInline muted data-testid="local-video" />
        {inCall ? (
          <p className={`call-state call-state--${state}`} role="status" data-state={state}>
            {t(STATE_MESSAGE[state])}
          </p>
        ) : null}
      </div>
      <div className="call-controls">
        <button type="button" className="button" aria-pressed={muted} onClick={() => setMuted((m) => !m)}>
          {muted ? t("call.unmute") : t("call.mute")}
        </button>
        <button type="button" className="button" aria-pressed={cameraOff} onClick={() => setCameraOff((c) => !c)}>
          {cameraOff ? t("call.cameraOn") : t("call.cameraOff")}
        </button>
        <button
          type="button"
          className="button button--blur"
          aria-pressed={Boolean(blurWanted)}
          aria-busy={Boolean(blurWanted && !blur)}
          onClick={() => {
            saveBlurPreference(!blurWanted);
            setBlurWanted(!blurWanted);
            setBlurFailed(false);
          }}
        >
          {t("call.blurOn")}
        </button>
        <div className="meter" role="meter" aria-label={t("call.micLevel")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(level * 100)}>
          <span style={{ width: `${Math.round(level * 100)}%` }} />
        </div>
      </div>
      {blurFailed ? (
        <p className="call-notice" role="alert">
          {t("call.blurUnavailable")}
        </p>
      ) : blurWanted && !blur ? (
        <p className="call-notice" role="status">
          {t("call.blurLoading")}
        </p>
      ) : null}
      <div className="device-pickers">
        <label>
          {t("call.camera")}
          <select value={choice.cameraId ?? local?.getVideoTracks()[0]?.getSettings().deviceId ?? ""} onChange={(e) => setChoice((c) => ({ ...c, cameraId: e.target.value }))}>
            {devices.cameras.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("call.microphone")}
          <select value={choice.microphoneId ?? local?.getAudioTracks()[0]?.getSettings().deviceId ?? ""} onChange={(e) => setChoice((c) => ({ ...c, microphoneId: e.target.value }))}>
            {devices.microphones.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </section>
  );
}
