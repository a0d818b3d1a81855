/**
 * A browser loads the messages its page speaks before it renders in them: at start (before hydration,
 * entry.client.tsx, from the files the page names) and whenever the root's data names files it has not
 * loaded (the language switch, a sign-in that brings the person's language or a hospital role: root.tsx's
 * clientLoader). See `message-files.server.ts` for what the files are.
 */
import { isLocale, addMessages, type Dictionary } from "./index";

const loaded = new Map<string, Promise<void>>();
const FILE = /^\/messages\/(en|zh-CN)-/;

function load(url: string): Promise<void> {
  const locale = FILE.exec(url)?.[1];
  if (!isLocale(locale)) return Promise.resolve();
  const loading = fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json() as Promise<Partial<Dictionary>>;
    })
    .then((messages) => addMessages(locale, messages))
    .catch((error: unknown) => {
      // Asked again next time (a page drawn meanwhile shows keys, never a crash).
      loaded.delete(url);
      throw error;
    });
  loaded.set(url, loading);
  return loading;
}

export async function loadMessages(urls: readonly string[]): Promise<void> {
  await Promise.all(urls.map((url) => loaded.get(url) ?? load(url)));
}
