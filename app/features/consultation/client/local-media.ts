/** Local camera and microphone: one module for device choice, errors a person can act on, and levels. */

export type MediaProblem = "denied" | "none" | "error";

export class LocalMediaError extends Error {
  constructor(readonly problem: MediaProblem) {
    super(problem);
  }
}

function problemOf(error: unknown): MediaProblem {
  const name = (error as { name?: string }).name;
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "none";
  return "error";
}

/**
 * The camera and the microphone; when the camera cannot be had (blocked, missing, busy) but the
 * microphone can, the microphone alone, with what is wrong with the camera: the patient then joins by
 * voice. Rejects with a LocalMediaError when neither can be used.
 */
export async function openLocalMedia(choice: { cameraId?: string; microphoneId?: string } = {}): Promise<{ stream: MediaStream; camera: MediaProblem | null }> {
  const audio = choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : true;
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio,
      video: choice.cameraId
        ? { deviceId: { exact: choice.cameraId }, width: { ideal: 640 }, height: { ideal: 480 } }
        : { width: { ideal: 640 }, height: { ideal: 480 } },
    });
    return { stream, camera: null };
  } catch (error) {
    const camera = problemOf(error);
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio }), camera };
    } catch (audioError) {
      throw new LocalMediaError(problemOf(audioError));
    }
  }
}

export type Device = { id: string; label: string };

export async function listDevices(): Promise<{ cameras: Device[]; microphones: Device[] }> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind) =>
    devices
      .filter((d) => d.kind === kind && d.deviceId)
      .map((d, i) => ({ id: d.deviceId, label: d.label || `${kind === "videoinput" ? "Camera" : "Microphone"} ${i + 1}` }));
  return { cameras: pick("videoinput"), microphones: pick("audioinput") };
}

/**
 * Calls `onLevel` with the microphone's loudness (0–1) about eight times a second: the loudest of all it
 * heard since the last call. The analyser's windows (2048 samples, over 40 ms) are read every 40 ms, so
 * a short sound between two readings is not missed (a blip, a click: the device test judges by them).
 */
export function watchMicrophoneLevel(stream: MediaStream, onLevel: (level: number) => void): () => void {
  const track = stream.getAudioTracks()[0];
  if (!track || typeof AudioContext === "undefined") return () => {};
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  let peak = 0;
  let reads = 0;
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(samples);
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128) / 128);
    if (++reads % 3 !== 0) return;
    onLevel(Math.min(1, peak * 1.5));
    peak = 0;
  }, 40);
  return () => {
    clearInterval(timer);
    source.disconnect();
    void context.close();
  };
}

export function stopMedia(stream: MediaStream | null) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
