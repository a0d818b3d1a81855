/** The product's languages. The database's `locale` enum is built from this list. */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
