/**
 * Short tones made in the browser (Web Audio oscillators; no sound file to fetch): the waiting room's
 * "the doctor is ready" chime and the device test's speaker check.
 */

/** Two rising notes: the doctor has admitted the patient. */
export const ADMITTED_CHIME = [660, 880] as const;
/** Four rising notes, long enough to notice: the speaker check. */
export const SPEAKER_CHECK = [523, 659, 784, 1047] as const;

/** A browser that never allows the sound (no gesture on the page yet) answers within this. */
const RESUME_TIMEOUT_MS = 1_000;

/**
 * Plays each frequency (Hz) for `noteMs`, one after the other, softly faded in and out (no click).
 * Resolves true once it has played, false when the browser cannot or will not play it (no Web Audio,
 * or sound not allowed before the person has touched the page).
 */
export async function playTones(frequencies: readonly number[], { noteMs = 220, volume = 0.25 } = {}): Promise<boolean> {
  if (typeof AudioContext === "undefined") return false;
  const context = new AudioContext();
  try {
    if (context.state === "suspended") {
      await Promise.race([context.resume(), new Promise((resolve) => setTimeout(resolve, RESUME_TIMEOUT_MS))]);
      if ((context.state as AudioContextState) !== "running") return false;
    }
    const note = noteMs / 1000;
    const start = context.currentTime + 0.02;
    frequencies.forEach((frequency, i) => {
      const at = start + i * note;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(volume, at + 0.02);
      gain.gain.setValueAtTime(volume, at + note * 0.7);
      gain.gain.linearRampToValueAtTime(0, at + note * 0.95);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + note);
    });
    await new Promise((resolve) => setTimeout(resolve, 40 + frequencies.length * noteMs));
    return true;
  } finally {
    void context.close();
  }
}
