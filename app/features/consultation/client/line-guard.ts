/**
 * What a call does on a weak line, as pure rules over samples of its statistics (every two seconds):
 * how good the line is, and when this side's video should pause so that the sound goes on, and when to
 * try it again. The P2P call feeds it; the unit tests prove it.
 */
import type { CallQuality } from "./call";

export const SAMPLE_MS = 2_000;
/** Video sent at fewer frames a second than this cannot be watched … */
export const MIN_FPS = 5;
/** … and it is the line's doing when the encoder may spend less than this (its target follows the line). */
export const LINE_LIMIT_KBPS = 150;
/** This many samples in a row decide (one bad second is not a bad line). */
export const SAMPLES_TO_DECIDE = 2;
/** The first try of the video again after a pause; each failed try doubles it, up to the maximum. */
export const FIRST_RETRY_MS = 10_000;
export const MAX_RETRY_MS = 60_000;

/** One sample: the figures a line's quality and its video's fate are judged by. */
export type LineSample = {
  at: number;
  roundTripMs: number | null;
  /** Totals since the start of the connection (the change between samples is what counts). */
  receivedBytes: number;
  receivedPackets: number;
  lostPackets: number;
  /** Frames a second of the video this side sends (null: none sent, or not measured yet). */
  sentFps: number | null;
  /** The bitrate the video's encoder aims at, set by the line's estimate (null: not measured). */
  sentTargetKbps: number | null;
};

/** The frame rate the guard judges: the video's, when low for the line's sake; null when it is not the line. */
export function lineFps(sample: Pick<LineSample, "sentFps" | "sentTargetKbps">): number | null {
  if (sample.sentFps === null) return null;
  const lineBound = sample.sentTargetKbps === null || sample.sentTargetKbps < LINE_LIMIT_KBPS;
  return sample.sentFps < MIN_FPS && !lineBound ? null : sample.sentFps;
}

/** How good the line is, from two samples in a row: round trip, loss of what arrives, bitrate. */
export function lineQuality(previous: LineSample | null, sample: LineSample, weak: boolean): CallQuality {
  const seconds = previous ? (sample.at - previous.at) / 1000 : 0;
  const received = previous ? Math.max(0, sample.receivedPackets - previous.receivedPackets) : 0;
  const lost = previous ? Math.max(0, sample.lostPackets - previous.lostPackets) : 0;
  const lossPercent = received + lost > 0 ? (100 * lost) / (received + lost) : 0;
  const receivedKbps = seconds > 0 ? Math.max(0, (sample.receivedBytes - previous!.receivedBytes) * 8) / seconds / 1000 : 0;
  const rtt = sample.roundTripMs;
  const level = weak || (rtt !== null && rtt > 400) || lossPercent > 10 ? "poor" : (rtt !== null && rtt > 200) || lossPercent > 3 ? "fair" : "good";
  return { level, roundTripMs: rtt === null ? null : Math.round(rtt), lossPercent: Math.round(lossPercent * 10) / 10, receivedKbps: Math.round(receivedKbps) };
}

/**
 * The video's guard: "up" (sent), "down" (paused for the line, tried again at `retryAt`), "probing" (sent
 * again, not yet known to hold). `low` and `good` count samples in a row.
 */
export type VideoGuard = { mode: "up" | "down" | "probing"; low: number; good: number; retryMs: number; retryAt: number };

export const initialGuard = (): VideoGuard => ({ mode: "up", low: 0, good: 0, retryMs: FIRST_RETRY_MS, retryAt: 0 });

/**
 * The next state of the guard after a sample, and what to do: "pause" the video (tell the other side the
 * line is weak), "probe" (send it again, quietly), "resume" (it holds: tell the other side). `sending`:
 * the camera is on and meant to be sent (not off, not audio only by choice); otherwise nothing changes.
 */
export function guardVideo(guard: VideoGuard, sentFps: number | null, sending: boolean, now: number): { guard: VideoGuard; action: "pause" | "probe" | "resume" | null } {
  if (!sending) return { guard: guard.mode === "down" ? guard : { ...guard, low: 0, good: 0 }, action: null };
  const low = sentFps !== null && sentFps < MIN_FPS;
  switch (guard.mode) {
    case "up": {
      const count = low ? guard.low + 1 : 0;
      if (count < SAMPLES_TO_DECIDE) return { guard: { ...guard, low: count }, action: null };
      return { guard: { ...guard, mode: "down", low: 0, good: 0, retryAt: now + guard.retryMs }, action: "pause" };
    }
    case "down":
      if (now < guard.retryAt) return { guard, action: null };
      return { guard: { ...guard, mode: "probing", low: 0, good: 0 }, action: "probe" };
    case "probing": {
      if (sentFps !== null && !low) {
        const good = guard.good + 1;
        if (good < SAMPLES_TO_DECIDE) return { guard: { ...guard, good, low: 0 }, action: null };
        return { guard: { ...initialGuard() }, action: "resume" };
      }
      const count = low ? guard.low + 1 : guard.low; // not measured yet: wait
      if (count < SAMPLES_TO_DECIDE) return { guard: { ...guard, low: count, good: 0 }, action: null };
      const retryMs = Math.min(guard.retryMs * 2, MAX_RETRY_MS);
      return { guard: { mode: "down", low: 0, good: 0, retryMs, retryAt: now + retryMs }, action: "pause" };
    }
  }
}
