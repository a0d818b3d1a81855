import { describe, expect, it } from "vitest";
import { deviceTestSteps } from "~/features/consultation/device-test";

const start = { problem: false, framed: false, heard: false, timedOut: false, speaker: "untested" } as const;

describe("the device test's verdicts", () => {
  it("checks the camera and microphone at once and leaves the speaker to the person", () => {
    expect(deviceTestSteps(start)).toEqual({ camera: "checking", microphone: "checking", speaker: "untested", allPass: false });
  });

  it("passes the camera on a frame and the microphone on a sound", () => {
    expect(deviceTestSteps({ ...start, framed: true, heard: true })).toMatchObject({ camera: "pass", microphone: "pass" });
  });

  it("fails both at once when the browser could not open them", () => {
    expect(deviceTestSteps({ ...start, problem: true })).toMatchObject({ camera: "fail", microphone: "fail" });
  });

  it("fails the camera at once, and goes on judging the microphone, when only the camera could not be opened", () => {
    expect(deviceTestSteps({ ...start, cameraProblem: true })).toMatchObject({ camera: "fail", microphone: "checking" });
    expect(deviceTestSteps({ ...start, cameraProblem: true, heard: true })).toMatchObject({ camera: "fail", microphone: "pass", allPass: false });
  });

  it("fails a silent device after a while, and passes it when it comes to life", () => {
    expect(deviceTestSteps({ ...start, framed: true, timedOut: true })).toMatchObject({ camera: "pass", microphone: "fail" });
    expect(deviceTestSteps({ ...start, framed: true, heard: true, timedOut: true })).toMatchObject({ microphone: "pass" });
  });

  it("takes the person's word for the speaker; a sound the browser would not play is a failure", () => {
    expect(deviceTestSteps({ ...start, speaker: "playing" }).speaker).toBe("checking");
    expect(deviceTestSteps({ ...start, speaker: "asking" }).speaker).toBe("checking");
    expect(deviceTestSteps({ ...start, speaker: "notHeard" }).speaker).toBe("fail");
    expect(deviceTestSteps({ ...start, speaker: "blocked" }).speaker).toBe("fail");
  });

  it("is all passed only when all three pass", () => {
    expect(deviceTestSteps({ ...start, framed: true, heard: true, speaker: "asking" }).allPass).toBe(false);
    expect(deviceTestSteps({ ...start, framed: true, heard: true, speaker: "heard" }).allPass).toBe(true);
  });
});
