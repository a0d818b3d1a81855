/**
 * Where to allow the camera and microphone depends on the phone and the browser: an iPhone's are in the
 * system Settings per browser, Android's behind the icon left of the address, WeChat's built-in browser's
 * in WeChat's own permissions (or by opening the page in a real browser). The help shows the steps for
 * the browser in use, told by its user agent.
 */
export type CameraHelp = "wechat" | "ios" | "android" | "desktop";

export function cameraHelpFor(userAgent: string): CameraHelp {
  if (/MicroMessenger/i.test(userAgent)) return "wechat";
  // iPadOS asks for the desktop site and says "Macintosh"; only a touch screen tells it apart (not here).
  if (/iPhone|iPad|iPod/i.test(userAgent)) return "ios";
  if (/Android/i.test(userAgent)) return "android";
  return "desktop";
}
