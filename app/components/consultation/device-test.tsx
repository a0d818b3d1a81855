import { lazy, Suspense, useState } from "react";
import { useT } from "~/i18n/use-t";

// The test itself (camera, microphone, tones) is fetched only when the person opens it.
const DeviceTestPanel = lazy(() => import("./device-test-panel"));

/** "Test camera and microphone": a button that opens the device test in place. */
export function DeviceTest() {
  const t = useT();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <div className="device-test-open no-print">
        <button type="button" className="button button--block" onClick={() => setOpen(true)}>
          {t("deviceTest.open")}
        </button>
      </div>
    );
  }
  return (
    <Suspense fallback={<p className="card muted">{t("deviceTest.loading")}</p>}>
      <DeviceTestPanel onClose={() => setOpen(false)} />
    </Suspense>
  );
}
