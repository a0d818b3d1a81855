/**
 * How a doctor's lists are written in the admin's edit form, both ways: the page fills the form with
 * `specialtiesText`/`languagesText`, and the form's schema reads what comes back with
 * `parseSpecialties`/`parseLanguages`. One format, here, for both.
 */
import type { MessageKey } from "~/i18n";

export type BilingualText = { zh: string; en: string };

/** What separates a specialty's Chinese from its English on a line: "高血压 | Hypertension". */
export const SPECIALTY_SEPARATOR = "|";
export const MAX_SPECIALTIES = 20;
export const MAX_SPECIALTY_LENGTH = 60;
export const MAX_LANGUAGES = 10;

/** One specialty a line, Chinese then English. */
export function specialtiesText(specialties: readonly BilingualText[]): string {
  return specialties.map((s) => `${s.zh} ${SPECIALTY_SEPARATOR} ${s.en}`).join("\n");
}

/** Language codes as the form shows them: "zh, en, yue". */
export function languagesText(languages: readonly string[]): string {
  return languages.join(", ");
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: MessageKey };

/** A specialty a line (blank lines skipped), each with both names; the same English name once only. */
export function parseSpecialties(text: string): Parsed<BilingualText[]> {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length > MAX_SPECIALTIES) return { ok: false, error: "error.tooManySpecialties" };
  const specialties: BilingualText[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const parts = line.split(SPECIALTY_SEPARATOR).map((part) => part.trim());
    const [zh, en] = parts;
    if (parts.length !== 2 || !zh || !en || zh.length > MAX_SPECIALTY_LENGTH || en.length > MAX_SPECIALTY_LENGTH) {
      return { ok: false, error: "error.specialtyLine" };
    }
    const key = en.toLowerCase();
    if (seen.has(key)) return { ok: false, error: "error.specialtyTwice" };
    seen.add(key);
    specialties.push({ zh, en });
  }
  return { ok: true, value: specialties };
}

/**
 * Language codes (BCP 47: "zh", "en", "yue", "zh-HK") separated by commas, spaces or 、, in their
 * canonical spelling, each once; at least one.
 */
export function parseLanguages(text: string): Parsed<string[]> {
  const codes = text.split(/[\s,，、;；]+/).filter(Boolean);
  if (codes.length === 0) return { ok: false, error: "error.languagesRequired" };
  if (codes.length > MAX_LANGUAGES) return { ok: false, error: "error.languagesInvalid" };
  const languages: string[] = [];
  for (const code of codes) {
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(code)) return { ok: false, error: "error.languagesInvalid" };
    let canonical: string;
    try {
      [canonical = code] = Intl.getCanonicalLocales(code);
    } catch {
      return { ok: false, error: "error.languagesInvalid" };
    }
    if (!languages.includes(canonical)) languages.push(canonical);
  }
  return { ok: true, value: languages };
}
