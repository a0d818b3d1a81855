/**
 * Each language's messages, a part at a time (`message-parts.ts`), as JSON files the browser fetches
 * before it renders (`load-messages.ts`): `/messages/<locale>-<part>-<hash>.json`, named by their content
 * so a browser keeps one for a year and a new release's is a new name. They are data, not code: a
 * phone parses JSON faster than the same object as a script, and keeps it out of the page's bundle.
 * Made once per process from the dictionaries the server holds; the unnamed form
 * (`/messages/<locale>-<part>.json`, always asked again) is for the page drawn without the root's data.
 */
import { createHash } from "node:crypto";
import { LOCALES, type Locale } from "~/domain/vocabulary";
import { allDictionaries } from "./dictionaries.server";
import type { MessageKey } from "./en";
import { MESSAGE_PARTS, partOfKey, partsFor, type MessagePart } from "./message-parts";

export type MessageFile = { locale: Locale; part: MessagePart; urlPath: string; aliasPath: string; body: Buffer };

let made: MessageFile[] | undefined;

export function messageFiles(): MessageFile[] {
  made ??= LOCALES.flatMap((locale) =>
    MESSAGE_PARTS.map((part) => {
      const entries = Object.entries(allDictionaries[locale]).filter(([key]) => partOfKey(key as MessageKey) === part);
      const body = Buffer.from(JSON.stringify(Object.fromEntries(entries)));
      const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
      return { locale, part, urlPath: `/messages/${locale}-${part}-${hash}.json`, aliasPath: `/messages/${locale}-${part}.json`, body };
    }),
  );
  return made;
}

/** The files a viewer's browser loads for a page in `locale`. */
export function messageUrlsFor(locale: Locale, role: Parameters<typeof partsFor>[0]): string[] {
  const parts = partsFor(role);
  return messageFiles()
    .filter((file) => file.locale === locale && parts.includes(file.part))
    .map((file) => file.urlPath);
}
