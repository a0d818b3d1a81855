import { useT } from "~/i18n/use-t";

/**
 * On every page of a database that holds the demo accounts: their password is published, so nothing
 * real belongs here. A thin strip above the header; it scrolls away with the page and covers nothing.
 */
export function DemoBanner() {
  const t = useT();
  return (
    <p className="demo-banner" role="note">
      <strong>{t("demo.bannerTitle")}</strong> {t("demo.bannerBody")}
    </p>
  );
}
