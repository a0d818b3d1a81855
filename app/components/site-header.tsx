import { Form, NavLink, useLocation } from "@remix-run/react";
import type { Locale, Role } from "~/domain/vocabulary";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

/** `joinOnly`: signed in by a personal join link, which opens one room and no other page. */
export type HeaderUser = { displayName: string; role: Role; joinOnly?: boolean };

const NAV_BY_ROLE: Record<Role, { to: string; label: MessageKey }[]> = {
  patient: [
    { to: "/doctors", label: "nav.findDoctor" },
    { to: "/appointments", label: "nav.myAppointments" },
  ],
  doctor: [
    { to: "/doctor/today", label: "nav.today" },
    { to: "/doctor/availability", label: "nav.availability" },
  ],
  staff: [
    { to: "/clinic/schedule", label: "nav.clinicSchedule" },
    { to: "/doctor/availability", label: "nav.availability" },
  ],
  admin: [
    { to: "/clinic/schedule", label: "nav.clinicSchedule" },
    { to: "/doctor/availability", label: "nav.availability" },
    { to: "/admin/users", label: "nav.users" },
    { to: "/admin/settings", label: "nav.settings" },
    { to: "/admin/audit", label: "nav.audit" },
    { to: "/admin/outbox", label: "nav.outbox" },
  ],
  // A companion's session opens their one room (it is join-only): no other page.
  guest: [],
};

export function SiteHeader({ user, locale }: { user: HeaderUser | null; locale: Locale }) {
  const t = useT();
  const links = user?.joinOnly ? [] : user ? NAV_BY_ROLE[user.role] : [{ to: "/doctors", label: "nav.findDoctor" as const }];
  return (
    <header className="site-header">
      <div className="site-header__bar">
        <a className="brand" href="/">
          <span className="brand__mark" aria-hidden="true">
            云
          </span>
          <span className="brand__name">{t("app.name")}</span>
          <span className="brand__tagline">{t("app.tagline")}</span>
        </a>
        <LanguageSwitch locale={locale} />
      </div>
      <nav className="site-nav" aria-label={t("nav.menu")}>
        <ul>
          {links.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to} prefetch="intent">
                {t(link.label)}
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="site-nav__account">
          {user ? (
            <>
              {user.joinOnly ? (
                <span className="site-nav__who">{user.displayName}</span>
              ) : (
                <NavLink className="site-nav__who" to="/account/password" title={t("account.link")}>
                  {user.displayName} · {t(`role.${user.role}`)}
                </NavLink>
              )}
              <Form method="post" action="/logout">
                <button type="submit" className="button button--quiet">
                  {t("nav.signOut")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">{t("nav.signIn")}</NavLink>
              <NavLink to="/register" className="button button--small">
                {t("nav.register")}
              </NavLink>
            </>
          )}
        </div>
      </nav>
    </header>
  );
}

/** Switches the language of every page; works without JavaScript (a plain form post). */
export function LanguageSwitch({ locale }: { locale: Locale }) {
  const location = useLocation();
  const t = useT();
  const other: Locale = locale === "zh-CN" ? "en" : "zh-CN";
  return (
    <Form method="post" action="/locale" className="language-switch" preventScrollReset>
      <input type="hidden" name="locale" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {/* Its name is what it shows, after a word for screen readers ("Language: 中文"). */}
      <button type="submit" className="button button--quiet">
        <span className="visually-hidden">{t("nav.language")}: </span>
        <span lang={other}>{other === "zh-CN" ? "中文" : "English"}</span>
      </button>
    </Form>
  );
}
