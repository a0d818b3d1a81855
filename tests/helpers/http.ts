import { expect } from "vitest";
import { SESSION_COOKIE } from "./server";

/** A tiny HTTP client for the running server that keeps one person's session cookie. */
export function client(baseURL: string, acceptLanguage = "en") {
  let cookie = "";
  const remember = (response: Response) => {
    const session = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (session) cookie = session.split(";")[0]!;
  };
  const headers = (extra: Record<string, string> = {}) => ({
    "Accept-Language": acceptLanguage,
    ...(cookie ? { Cookie: cookie } : {}),
    ...extra,
  });
  return {
    get cookie() {
      return cookie;
    },
    async get(path: string) {
      const response = await fetch(`${baseURL}${path}`, { headers: headers(), redirect: "manual" });
      remember(response);
      return response;
    },
    async post(path: string, fields: Record<string, string>) {
      const response = await fetch(`${baseURL}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: headers({ "Content-Type": "application/x-www-form-urlencoded", Origin: baseURL }),
        body: new URLSearchParams(fields),
      });
      remember(response);
      return response;
    },
    async signIn(email: string, password: string) {
      const response = await this.post("/login", { email, password });
      expect(response.status).toBe(302);
    },
    async register(email: string, password = "a good long password", fullName = `Patient ${email.slice(0, 6)}`) {
      const response = await this.post("/register", { email, password, fullName });
      expect(response.status).toBe(302);
    },
  };
}

/** The free slots listed on a page (a doctor's profile, a reschedule page), in page order. */
export function slotStarts(html: string): string[] {
  return [...html.matchAll(/data-start="([^"]+)"/g)].map((m) => m[1]!);
}
