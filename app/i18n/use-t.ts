import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "~/root";
import type { Locale } from "~/domain/vocabulary";
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, translator } from "./index";

/** The viewer's locale and time zone, as the root loader resolved them. */
export function useViewer(): { locale: Locale; timeZone: string } {
  const data = useRouteLoaderData<typeof rootLoader>("root");
  return { locale: data?.locale ?? DEFAULT_LOCALE, timeZone: data?.timeZone ?? DEFAULT_TIME_ZONE };
}

export function useT() {
  return translator(useViewer().locale);
}
