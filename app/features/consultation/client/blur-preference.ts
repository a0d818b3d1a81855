/** Whether the person blurs their background: remembered on this device for the next call. */
const PREFERENCE_KEY = "yunzhen.backgroundBlur";

/** Whether the person last chose to blur (remembered on this device for the next call). */
export function readBlurPreference(): boolean {
  try {
    return localStorage.getItem(PREFERENCE_KEY) === "on";
  } catch {
    return false;
  }
}

export function saveBlurPreference(on: boolean) {
  try {
    localStorage.setItem(PREFERENCE_KEY, on ? "on" : "off");
  } catch {
    // Private browsing without storage: the choice lasts for this page only.
  }
}
