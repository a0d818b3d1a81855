import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { localeForm, savePreferredLocale } from "~/features/accounts/preferences.server";
import { safeRedirect } from "~/features/auth/guards.server";
import { localeCookie } from "~/i18n/viewer.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = localeForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw new Response("Unknown language", { status: 400 });
  const { locale, redirectTo } = parsed.data;
  if (context.auth.user) await savePreferredLocale(context.db, context.auth.user.id, locale);
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": localeCookie(locale, context.secureCookies) },
  });
}
