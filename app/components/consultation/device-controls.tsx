import { cameraHelpFor } from "~/features/consultation/camera-help";
import type { MediaProblem } from "~/features/consultation/client/local-media";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import type { useLocalMedia } from "./use-local-media";

/** What a person can do about each problem with the camera or microphone. */
const PROBLEM_MESSAGE: Record<MediaProblem, MessageKey> = {
  denied: "call.permissionDenied",
  none: "call.noDevice",
  error: "call.deviceError",
};

type LocalMedia = ReturnType<typeof useLocalMedia>;

/** The microphone's loudness as a bar (the room's check, the call and the device test). */
export function LevelMeter({ level }: { level: number }) {
  const t = useT();
  const percent = Math.round(level * 100);
  return (
    <div className="meter" role="meter" aria-label={t("call.micLevel")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <span style={{ width: `${percent}%` }} />
    </div>
  );
}

/** The camera and microphone to use, picked from those the browser lists. */
export function DevicePickers({ media }: { media: Pick<LocalMedia, "devices" | "cameraId" | "microphoneId" | "pickCamera" | "pickMicrophone"> }) {
  const t = useT();
  return (
    <div className="device-pickers">
      <label>
        {t("call.camera")}
        <select value={media.cameraId} onChange={(e) => media.pickCamera(e.target.value)}>
          {media.devices.cameras.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("call.microphone")}
        <select value={media.microphoneId} onChange={(e) => media.pickMicrophone(e.target.value)}>
          {media.devices.microphones.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/**
 * Where to allow the camera and microphone on the phone and browser in use. Shown only once a problem is
 * known, which is only ever in the browser (never in the server's render).
 */
export function CameraHelp() {
  const t = useT();
  return <p className="call-help">{t(`call.help.${cameraHelpFor(navigator.userAgent)}`)}</p>;
}

/** Why the camera or microphone could not be opened, in plain words, where to allow them, and "Try again". */
export function MediaProblemMessage({ problem, onRetry }: { problem: MediaProblem; onRetry: () => void }) {
  const t = useT();
  return (
    <>
      <p className="form-error" role="alert">
        {t(PROBLEM_MESSAGE[problem])}
      </p>
      {problem === "denied" ? <CameraHelp /> : null}
      <button type="button" className="button" onClick={onRetry}>
        {t("call.retry")}
      </button>
    </>
  );
}
