/** The device test's verdicts, step by step: pure, so that what counts as "works" is written down once. */

export type StepStatus = "untested" | "checking" | "pass" | "fail";
export type SpeakerCheck = "untested" | "playing" | "asking" | "heard" | "notHeard" | "blocked";

/** A microphone level (0–1) above this is a sound the microphone heard, not its own hiss. */
export const HEARD_LEVEL = 0.08;
/** A camera with no picture, or a microphone that heard nothing, this long after the test began fails (until it works). */
export const NO_SIGNAL_MS = 8_000;

/**
 * Each step's verdict. Camera: a frame with a size. Microphone: a level above `HEARD_LEVEL`, or the
 * person says the bar moves. Speaker: only the person can tell. A camera or microphone the browser
 * could not open fails at once (the camera alone, when only it was refused); one that has shown nothing yet fails after `NO_SIGNAL_MS`, and still
 * passes if it comes to life later.
 */
export function deviceTestSteps(state: {
  problem: boolean;
  /** The camera alone could not be opened (the microphone could). */
  cameraProblem?: boolean;
  framed: boolean;
  heard: boolean;
  timedOut: boolean;
  speaker: SpeakerCheck;
}) {
  const signal = (works: boolean, failed = false): StepStatus => (works ? "pass" : failed || state.problem || state.timedOut ? "fail" : "checking");
  const speaker: StepStatus =
    state.speaker === "heard" ? "pass" : state.speaker === "notHeard" || state.speaker === "blocked" ? "fail" : state.speaker === "untested" ? "untested" : "checking";
  const steps = { camera: signal(state.framed, state.cameraProblem), microphone: signal(state.heard), speaker };
  return { ...steps, allPass: Object.values(steps).every((s) => s === "pass") };
}
