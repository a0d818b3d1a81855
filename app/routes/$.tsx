import { useT } from "~/i18n/use-t";

// Any unknown address gets the friendly 404 page, with the root loader's language and navigation.
export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  const t = useT();
  return <h1>{t("errorPage.404.title")}</h1>;
}
