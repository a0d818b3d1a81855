/**
 * Where the browser build put each language's messages (`load-dictionary.ts` imports them on demand,
 * so the compiler gives each a chunk of its own, `_shared/<name>-<hash>.js`). Pages name their
 * language's chunk in a `modulepreload` link, so the browser fetches it with the page's other scripts
 * instead of after them. Read when a build is loaded; a language not found is simply not preloaded.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { LOCALES, type Locale } from "~/domain/vocabulary";

export type DictionaryChunks = Partial<Record<Locale, string>>;

export function findDictionaryChunks(publicBuildDir: string): DictionaryChunks {
  const shared = path.join(publicBuildDir, "_shared");
  let names: string[];
  try {
    names = readdirSync(shared);
  } catch {
    return {};
  }
  const chunks: DictionaryChunks = {};
  for (const locale of LOCALES) {
    const pattern = new RegExp(`^${locale}-[A-Z0-9]+\\.js$`);
    // After rebuilds in development several may be there: the newest is the build's.
    const newest = names
      .filter((name) => pattern.test(name))
      .map((name) => ({ name, at: statSync(path.join(shared, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at)[0];
    if (newest) chunks[locale] = `/build/_shared/${newest.name}`;
  }
  return chunks;
}
