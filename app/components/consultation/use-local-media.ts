import { useEffect, useState, type RefObject } from "react";
import type { Call } from "~/features/consultation/client/call";
import {
  listDevices,
  LocalMediaError,
  openLocalMedia,
  stopMedia,
  watchMicrophoneLevel,
  type Device,
  type MediaProblem,
} from "~/features/consultation/client/local-media";

/**
 * The local camera and microphone: the stream (opened again when the person picks another device, or
 * retries after a problem), what went wrong, the devices to pick from and the microphone's level. A stream
 * opened during a call is handed to `call` track by track, so the call goes on with the new device (the
 * device test has no call).
 */
export function useLocalMedia(call?: RefObject<Call | null>) {
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [cameraProblem, setCameraProblem] = useState<MediaProblem | null>(null);
  const [devices, setDevices] = useState<{ cameras: Device[]; microphones: Device[] }>({ cameras: [], microphones: [] });
  const [choice, setChoice] = useState<{ cameraId?: string; microphoneId?: string }>({});
  const [level, setLevel] = useState(0);
  const [attempt, setAttempt] = useState(0);

  // Open (or re-open with another device) the local media.
  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    setProblem(null);
    openLocalMedia(choice)
      .then(async ({ stream, camera }) => {
        if (cancelled) return stopMedia(stream);
        opened = stream;
        setCameraProblem(camera);
        setLocal((previous) => {
          // Keep the call going: hand the new tracks to the running call.
          for (const track of stream.getTracks()) void call?.current?.replaceTrack(track);
          if (previous && previous !== stream) stopMedia(previous);
          return stream;
        });
        setDevices(await listDevices());
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        setProblem(error instanceof LocalMediaError ? error.problem : "error");
        setCameraProblem(null);
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

  return {
    local,
    /** Neither camera nor microphone can be used. */
    problem,
    /** The camera cannot be used, the microphone can: `local` has sound only. */
    cameraProblem,
    retry: () => setAttempt((n) => n + 1),
    devices,
    /** The camera picked, else the one the stream has. */
    cameraId: choice.cameraId ?? local?.getVideoTracks()[0]?.getSettings().deviceId ?? "",
    microphoneId: choice.microphoneId ?? local?.getAudioTracks()[0]?.getSettings().deviceId ?? "",
    pickCamera: (cameraId: string) => setChoice((c) => ({ ...c, cameraId })),
    /** A phone's front and back cameras (or any two): "Flip camera" takes the next one. */
    canFlip: devices.cameras.length > 1,
    flipCamera: () =>
      setChoice((c) => {
        const current = c.cameraId ?? local?.getVideoTracks()[0]?.getSettings().deviceId;
        const at = devices.cameras.findIndex((camera) => camera.id === current);
        const next = devices.cameras[(at + 1) % devices.cameras.length];
        return next ? { ...c, cameraId: next.id } : c;
      }),
    pickMicrophone: (microphoneId: string) => setChoice((c) => ({ ...c, microphoneId })),
    /** The microphone's loudness, 0–1. */
    level,
  };
}

/**
 * The mute and camera-off switches: they disable the local tracks, and the self-view track too (a blurred
 * copy would otherwise keep showing its last frame).
 */
export function useMediaSwitches(local: MediaStream | null, selfView: MediaStreamTrack | null) {
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  useEffect(() => {
    for (const track of local?.getAudioTracks() ?? []) track.enabled = !muted;
  }, [local, muted]);
  useEffect(() => {
    for (const track of [...(local?.getVideoTracks() ?? []), ...(selfView ? [selfView] : [])]) track.enabled = !cameraOff;
  }, [local, selfView, cameraOff]);
  return {
    muted,
    toggleMute: () => setMuted((m) => !m),
    cameraOff,
    toggleCamera: () => setCameraOff((c) => !c),
  };
}
