import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ClientLoaderFunctionArgs } from "@remix-run/react";
import {
  json,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { DemoBanner } from "~/components/demo-banner";
import { ErrorPage } from "~/components/error-page";
import { SiteHeader } from "~/components/site-header";
import { holdsDemoAccounts } from "~/features/accounts/demo-accounts.server";
import { LOCALES } from "~/domain/vocabulary";
import { DEFAULT_LOCALE, translator } from "~/i18n";
import { messageUrlsFor } from "~/i18n/message-files.server";
import { loadMessages } from "~/i18n/load-messages";
import styles from "~/styles/app.css";
import { useNonce } from "~/utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = translator(data?.locale ?? "en");
  return [{ title: `${t("app.name")} · ${t("app.tagline")}` }];
};

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.auth.user;
  return json({
    locale: context.locale,
    // The messages its pages use, in its language, fetched with the page's scripts (see entry.client.tsx).
    messages: messageUrlsFor(context.locale, user?.role ?? null),
    timeZone: context.timeZone,
    user: user ? { displayName: user.displayName, role: user.role, joinOnly: user.onlyAppointmentId !== null } : null,
    // Kept per process (one query every 30 s at most), never one per request.
    demo: await holdsDemoAccounts(context.db),
  });
}

/**
 * In the browser, after the first page: the root's data may name messages the browser has not loaded
 * (the language switch, a sign-in that brings the person's saved language or a hospital role); load them
 * before rendering with them. The first page's data is the server's (no `hydrate`): entry.client.tsx
 * loaded its messages before hydrating.
 */
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>();
  await loadMessages(data.messages);
  return data;
}

/**
 * Who is signed in, the language and the time zone change only through a form (sign-in, sign-out, the
 * language switch) or on another page. A live page that reloads its data in place (`revalidate()` on the
 * same URL, on every "changed" from its socket or event stream) need not ask for them again: at 9 am
 * that is half the requests of every waiting room.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, formAction, defaultShouldRevalidate }) => {
  // A form on the same page (check in, admit, save) changes none of these; signing in or out, the
  // language switch and the account pages do.
  if (formMethod && formAction && currentUrl.pathname === nextUrl.pathname && !ROOT_CHANGING_FORMS.some((path) => formAction.startsWith(path))) {
    return false;
  }
  return formMethod || currentUrl.href !== nextUrl.href ? defaultShouldRevalidate : false;
};
const ROOT_CHANGING_FORMS = ["/login", "/logout", "/register", "/locale", "/account", "/admin"];

/** An error page drawn before the root's data: it may speak either language (message-files.server.ts). */
const WITHOUT_ROOT_DATA = LOCALES.map((locale) => `/messages/${locale}-everyone.json`);

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  return (
    // data-messages: the messages this page speaks, which the browser loads before hydrating (both
    // languages' on an error page drawn without the root's data).
    <html lang={data?.locale ?? DEFAULT_LOCALE} data-messages={(data?.messages ?? WITHOUT_ROOT_DATA).join(" ")}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
        {data?.messages.map((href) => <link key={href} rel="preload" as="fetch" crossOrigin="anonymous" href={href} />)}
      </head>
      <body>
        <a className="skip-link" href="#main">
          {translator(data?.locale ?? DEFAULT_LOCALE)("app.skipToContent")}
        </a>
        {data?.demo ? <DemoBanner /> : null}
        {data ? <SiteHeader user={data.user} locale={data.locale} /> : null}
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        {/* Not the environment: the compiler writes its build mode here (`remix dev`: development), in the
            server's and the browser's bundle alike. Only a development build has a live-reload server. */}
        {/* eslint-disable-next-line no-restricted-properties -- the build mode, replaced at compile time */}
        {process.env.NODE_ENV === "development" ? <LiveReload nonce={nonce} /> : null}
      </body>
    </html>
  );
}

export default function App() {
  // The page is live (hydrated): a mark for support and for tests that act as a person who waits for it.
  useEffect(() => void (document.documentElement.dataset.hydrated = "1"), []);
  return <Outlet />;
}

export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>("root");
  return <ErrorPage locale={data?.locale ?? null} />;
}
