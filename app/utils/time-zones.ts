/** Zone names already checked (a valid one is asked about on every request that carries it). */
const known = new Map<string, boolean>();

/** True for a time zone name that this runtime's Intl knows, e.g. "Asia/Shanghai" or "UTC". */
export function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  const cached = known.get(value);
  if (cached !== undefined) return cached;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  // Invalid names come from cookies anyone can write: remember only a bounded number of them.
  if (valid || known.size < 1000) known.set(value, valid);
  return valid;
}
