import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { endSession } from "~/features/auth/session.server";

// Signing out is a POST: a link or an image elsewhere cannot sign anyone out.
export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const setCookie = await endSession(context.db, request.headers.get("Cookie"), { clientAddress: context.clientAddress, secureCookies: context.secureCookies });
  return redirect("/login?signedOut=1", { headers: { "Set-Cookie": setCookie } });
}
