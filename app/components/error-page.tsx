import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { Locale } from "~/domain/vocabulary";
import { translator, type MessageKey } from "~/i18n";

type Kind = 403 | 404 | 500 | 503 | "other";

function kindOf(status: number): Kind {
  if (status === 403 || status === 404 || status === 503) return status;
  return status >= 500 ? 500 : "other";
}

/**
 * The friendly error page for 403, 404, 500 and 503. When the viewer's language is unknown (the root
 * loader itself failed) it speaks both languages.
 */
export function ErrorPage({ locale }: { locale: Locale | null }) {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const kind = kindOf(status);
  // In the browser only: the server has logged it already (entry.server.tsx), without a query's parameters.
  if (!isRouteErrorResponse(error) && typeof document !== "undefined") console.error(error);
  const locales: Locale[] = locale ? [locale] : ["zh-CN", "en"];
  return (
    <main className="error-page" id="main">
      <p className="error-page__code">{status}</p>
      {locales.map((l) => {
        const t = translator(l);
        const title: MessageKey = kind === "other" ? "errorPage.other.title" : `errorPage.${kind}.title`;
        const body: MessageKey | null = kind === "other" ? null : `errorPage.${kind}.body`;
        return (
          <section key={l} lang={l}>
            <h1>{t(title)}</h1>
            {body ? <p>{t(body)}</p> : null}
            <p>
              <a className="button" href="/">
                {t("errorPage.home")}
              </a>
            </p>
          </section>
        );
      })}
    </main>
  );
}
