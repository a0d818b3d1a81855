/**
 * A browser loads one language's messages, its viewer's, before it renders in it: at start (before
 * hydration, entry.client.tsx) and whenever the root's data names a language it has not loaded (the
 * language switch, a sign-in that brings the person's saved language: root.tsx's clientLoader). Each is
 * its own fingerprinted chunk, cached for a year.
 */
import type { Locale } from "~/domain/vocabulary";
import { hasDictionary, provideDictionary, type Dictionary } from "./index";

const LOADERS: Record<Locale, () => Promise<Dictionary>> = {
  en: () => import("./en").then((m) => m.en),
  "zh-CN": () => import("./zh-CN").then((m) => m.zhCN),
};

export async function loadDictionary(locale: Locale): Promise<void> {
  if (!hasDictionary(locale)) provideDictionary(locale, await LOADERS[locale]());
}
