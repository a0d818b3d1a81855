/** True for a time zone name that this runtime's Intl knows, e.g. "Asia/Shanghai" or "UTC". */
export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
