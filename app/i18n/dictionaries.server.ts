/**
 * Every language's messages, for the server: it renders pages, downloads and messages in any of them.
 * A `.server` module, so the browser build never carries it: a browser fetches only its viewer's
 * language's messages, as data (`message-files.server.ts`).
 */
import { en } from "./en";
import { zhCN } from "./zh-CN";
import type { Locale } from "~/domain/vocabulary";
import type { MessageKey } from "./en";

export const allDictionaries: Record<Locale, Record<MessageKey, string>> = { en, "zh-CN": zhCN };
