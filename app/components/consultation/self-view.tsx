import { useEffect, useRef, useState } from "react";
import type { BackgroundBlur } from "~/features/consultation/client/background-blur";

/**
 * Shows tracks in a `<video>` and starts it with play(). The `autoplay` attribute alone is not enough: a
 * muted video Chromium started by that attribute is paused whenever it is out of view, and stays paused
 * until it is scrolled back in. On Admit the call stage grows and pushes the small self-view below the
 * fold, so it stopped after a few frames while the other side's video (unmuted, so not paused that way)
 * played on (issue 15 item 6). A video started by play() is not paused that way.
 */
export function showTracks(video: HTMLVideoElement | null, tracks: MediaStreamTrack[]) {
  if (!video) return;
  video.srcObject = tracks.length ? new MediaStream(tracks) : null;
  // Refused without a user's gesture for a video with sound (after a reload): it then waits as before.
  if (tracks.length) video.play().catch(() => {});
}

/** This person's own picture: the camera before the call, what the call sends once in it. */
export function SelfView({ track, className }: { track: MediaStreamTrack | null; className: string }) {
  const video = useRef<HTMLVideoElement>(null);
  // Only when the track changes: a new source would restart the video.
  useEffect(() => showTracks(video.current, track ? [track] : []), [track]);
  return <video ref={video} className={className} autoPlay playsInline muted data-testid="local-video" />;
}

/**
 * The self-view before the call (and between calls): the camera, blurred by the page itself when the
 * person chose blur. In a call the call blurs what it sends, and says which track that is.
 */
export function usePreviewTrack(local: MediaStream | null, blur: BackgroundBlur | null, enabled: boolean) {
  const camera = local?.getVideoTracks()[0] ?? null;
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  useEffect(() => {
    if (!enabled) return;
    if (!camera || !blur) return setTrack(camera);
    const blurred = blur.blur(camera);
    setTrack(blurred.track);
    return () => blurred.stop();
  }, [enabled, camera, blur]);
  return track;
}
