import { describe, expect, it } from "vitest";
import { FIRST_RETRY_MS, guardVideo, initialGuard, lineFps, lineQuality, MAX_RETRY_MS, type LineSample, type VideoGuard } from "~/features/consultation/client/line-guard";

/** Feeds the guard a run of frame rates two seconds apart; returns the actions taken and the last state. */
function run(fpsList: (number | null)[], start: VideoGuard = initialGuard(), sending = true, t0 = 0) {
  let guard = start;
  const actions: (string | null)[] = [];
  fpsList.forEach((fps, i) => {
    const step = guardVideo(guard, fps, sending, t0 + i * 2000);
    guard = step.guard;
    actions.push(step.action);
  });
  return { guard, actions };
}

describe("the video guard on a weak line", () => {
  it("pauses the video after two samples in a row below 5 frames a second, not after one", () => {
    expect(run([20, 3, 20, 3]).actions).toEqual([null, null, null, null]);
    expect(run([20, 3, 2]).actions).toEqual([null, null, "pause"]);
  });

  it("blames the line only when the encoder may spend little: a slow video with room to spend is slow for another reason", () => {
    expect(lineFps({ sentFps: 3, sentTargetKbps: 20 })).toBe(3);
    expect(lineFps({ sentFps: 3, sentTargetKbps: 1700 })).toBeNull();
    expect(lineFps({ sentFps: 20, sentTargetKbps: 1700 })).toBe(20);
    expect(lineFps({ sentFps: null, sentTargetKbps: 20 })).toBeNull();
  });

  it("judges nothing while the camera is off or the call is audio only by choice", () => {
    expect(run([1, 1, 1, 1], initialGuard(), false).actions).toEqual([null, null, null, null]);
  });

  it("tries the video again after 10 s, and says it is back once two samples hold", () => {
    const paused = run([2, 2]).guard;
    expect(paused.mode).toBe("down");
    // Still down before the retry time; then a quiet probe; then two good samples resume it.
    const later = run([null, null, null, null, null, 18, 20], paused, true, 2000 + 2000);
    expect(later.actions).toEqual([null, null, null, null, "probe", null, "resume"]);
    expect(later.guard).toEqual(initialGuard());
  });

  it("pauses again when a try fails, and waits twice as long each time, up to a minute", () => {
    let guard = run([2, 2]).guard;
    let now = guard.retryAt;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const probe = guardVideo(guard, null, true, now);
      expect(probe.action).toBe("probe");
      const first = guardVideo(probe.guard, 2, true, now + 2000);
      const second = guardVideo(first.guard, 1, true, now + 4000);
      expect(second.action).toBe("pause");
      guard = second.guard;
      waits.push(guard.retryMs);
      now = guard.retryAt;
    }
    expect(waits).toEqual([FIRST_RETRY_MS * 2, FIRST_RETRY_MS * 4, MAX_RETRY_MS, MAX_RETRY_MS, MAX_RETRY_MS]);
  });
});

describe("the line's quality", () => {
  const sample = (at: number, over: Partial<LineSample> = {}): LineSample => ({
    at,
    roundTripMs: 40,
    receivedBytes: 0,
    receivedPackets: 0,
    lostPackets: 0,
    sentFps: 20,
    sentTargetKbps: 1000,
    ...over,
  });

  it("is good on a quick line without loss, with the bitrate of what arrived", () => {
    const q = lineQuality(sample(0), sample(2000, { receivedBytes: 250_000, receivedPackets: 400 }), false);
    expect(q).toEqual({ level: "good", roundTripMs: 40, lossPercent: 0, receivedKbps: 1000 });
  });

  it("is fair past 200 ms or 3 % loss, and poor past 400 ms, 10 % loss or a paused video", () => {
    expect(lineQuality(sample(0), sample(2000, { roundTripMs: 250 }), false).level).toBe("fair");
    expect(lineQuality(sample(0), sample(2000, { receivedPackets: 95, lostPackets: 5 }), false).level).toBe("fair");
    expect(lineQuality(sample(0), sample(2000, { roundTripMs: 450 }), false).level).toBe("poor");
    expect(lineQuality(sample(0), sample(2000, { receivedPackets: 80, lostPackets: 20 }), false)).toMatchObject({ level: "poor", lossPercent: 20 });
    expect(lineQuality(sample(0), sample(2000), true).level).toBe("poor");
  });
});
