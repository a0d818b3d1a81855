/**
 * Background blur for the camera, with @twilio/video-processors: person segmentation (TensorFlow Lite in
 * WebAssembly, in a worker) and a blur of everything that is not the person. The library is imported
 * only when someone turns blur on; its worker, WASM and model (about 3 MB on first use, then cached) come
 * from our own server (`/vendor/video-processors/`, served from the installed package by server.ts),
 * never from a CDN.
 *
 * Twilio calls hand the processor to twilio-video (`LocalVideoTrack.addProcessor`); peer-to-peer calls and
 * the pre-call preview use `blur()`, which turns the camera track into a new, blurred track. The page
 * imports this module itself only when blur is wanted (the choice is `blur-preference.ts`).
 */
const ASSETS_PATH = "/vendor/video-processors/";
/** Worker, WASM and model on a slow phone connection; past this the person is told blur is unavailable. */
const LOAD_TIMEOUT_MS = 45_000;

type Processor = { processFrame(input: VideoFrame | HTMLVideoElement, output: HTMLCanvasElement): Promise<void> };

/** The part of @twilio/video-processors this module uses. */
type VideoProcessorsApi = {
  isSupported: boolean;
  GaussianBlurBackgroundProcessor: new (options: { assetsPath: string; blurFilterRadius: number }) => Processor & {
    loadModel(): Promise<void>;
  };
};

/** The browser cannot blur (no canvas or WebAssembly, or the model did not load): the call goes on unblurred. */
class BlurUnavailableError extends Error {}

/** The part of twilio-video's LocalVideoTrack that takes a processor. */
export type ProcessableVideoTrack = {
  readonly mediaStreamTrack: MediaStreamTrack;
  readonly processedTrack?: MediaStreamTrack | null;
  addProcessor(processor: Processor, options: { inputFrameBufferType: "videoframe"; outputFrameBufferContextType: "bitmaprenderer" }): unknown;
  removeProcessor(processor: Processor): unknown;
};

/** A blurred copy of a camera track; `stop()` ends the copy, never the camera. */
export type BlurredTrack = { readonly track: MediaStreamTrack; stop(): void };

/**
 * The page's blur. A processor keeps per-track state and its worker cannot be ended, so there is one per
 * page and it serves one track at a time: whoever takes it last has it, and the previous user is stopped
 * first, so that two tracks never share the processor's state.
 */
export class BackgroundBlur {
  private release: (() => void) | null = null;

  constructor(private readonly processor: Processor) {}

  /** A new track: `camera` with its background blurred. */
  blur(camera: MediaStreamTrack): BlurredTrack {
    this.release?.();
    const piped = pipe(this.processor, camera);
    return { track: piped.track, stop: this.take(() => piped.stop()) };
  }

  /** Blur a Twilio track in place: twilio-video then sends (and previews) its processed track. */
  addTo(track: ProcessableVideoTrack): () => void {
    this.release?.();
    track.addProcessor(this.processor, { inputFrameBufferType: "videoframe", outputFrameBufferContextType: "bitmaprenderer" });
    return this.take(() => track.removeProcessor(this.processor));
  }

  private take(end: () => void): () => void {
    let ended = false;
    const release = () => {
      if (ended) return;
      ended = true;
      if (this.release === release) this.release = null;
      end();
    };
    this.release = release;
    return release;
  }
}

let loading: Promise<BackgroundBlur> | null = null;

/** Loads the library, its worker and the model once per page; rejects with BlurUnavailableError. */
export function loadBackgroundBlur(): Promise<BackgroundBlur> {
  loading ??= withTimeout(
    (async () => {
      const { GaussianBlurBackgroundProcessor, isSupported } = await loadVideoProcessors();
      if (!isSupported || typeof WebAssembly !== "object") throw new BlurUnavailableError("not supported");
      const processor = new GaussianBlurBackgroundProcessor({ assetsPath: ASSETS_PATH, blurFilterRadius: 15 });
      await processor.loadModel();
      return new BackgroundBlur(processor);
    })(),
    LOAD_TIMEOUT_MS,
  ).catch((error: unknown) => {
    // Forget the failure: a later try (another call, a better connection) starts over.
    loading = null;
    throw error instanceof BlurUnavailableError ? error : new BlurUnavailableError(String(error));
  });
  return loading;
}

/**
 * The package's prebuilt browser bundle (it sets `window.Twilio.VideoProcessors`), like twilio-video's: the
 * package's typed entry would also declare a global `Window.Twilio` that clashes with twilio-call's.
 */
async function loadVideoProcessors(): Promise<VideoProcessorsApi> {
  await import("@twilio/video-processors/dist/build/twilio-video-processors.min.js");
  const api = (window as { Twilio?: { VideoProcessors?: VideoProcessorsApi } }).Twilio?.VideoProcessors;
  if (!api) throw new BlurUnavailableError("@twilio/video-processors did not load");
  return api;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new BlurUnavailableError("timed out")), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

type TrackProcessorConstructor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };

/**
 * Camera frames through the processor onto a canvas, and the canvas as a new track. Frames come from
 * MediaStreamTrackProcessor where the browser has it (Chromium: not throttled in a background tab), else
 * from a hidden <video> sampled 24 times a second — the same two ways twilio-video feeds its processors.
 */
function pipe(processor: Processor, camera: MediaStreamTrack): BlurredTrack {
  const canvas = document.createElement("canvas");
  // Firefox cannot capture a canvas before it has a context.
  canvas.getContext("bitmaprenderer");
  const manual = typeof CanvasCaptureMediaStreamTrack !== "undefined" && "requestFrame" in CanvasCaptureMediaStreamTrack.prototype;
  const track = canvas.captureStream(manual ? 0 : undefined).getVideoTracks()[0]!;
  let stopped = false;

  async function draw(frame: VideoFrame | HTMLVideoElement, width: number, height: number) {
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    try {
      await processor.processFrame(frame, canvas);
      (track as CanvasCaptureMediaStreamTrack).requestFrame?.();
    } catch {
      // The library drops a frame it could not process; the next one tries again.
    }
  }

  const TrackProcessor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
  let end: () => void;
  if (TrackProcessor) {
    const reader = new TrackProcessor({ track: camera }).readable.getReader();
    void (async () => {
      while (!stopped) {
        const { value: frame, done } = await reader.read();
        if (done) break;
        if (stopped) frame.close();
        // The processor closes the frame once it has used it.
        else await draw(frame, frame.displayWidth, frame.displayHeight);
      }
    })().catch(() => {});
    end = () => void reader.cancel().catch(() => {});
  } else {
    const video = Object.assign(document.createElement("video"), { muted: true, playsInline: true });
    video.srcObject = new MediaStream([camera]);
    void video.play().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (video.readyState >= 2 && video.videoWidth) await draw(video, video.videoWidth, video.videoHeight);
      if (!stopped) timer = setTimeout(() => void tick(), 1000 / 24);
    };
    void tick();
    end = () => {
      clearTimeout(timer);
      video.srcObject = null;
    };
  }

  return {
    track,
    stop() {
      if (stopped) return;
      stopped = true;
      end();
      track.stop();
    },
  };
}
