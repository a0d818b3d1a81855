import { expect } from "vitest";

/**
 * A tiny HTTP client for the running server that keeps one person's cookies (session, arrival pass);
 * `initialCookies` (a Cookie header) starts it with someone's.
 */
export function client(baseURL: string, acceptLanguage = "en", initialCookies = "") {
  const jar = new Map<string, string>();
  for (const part of initialCookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const remember = (response: Response) => {
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(";")[0]!;
      const eq = pair.indexOf("=");
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      if (value === "" || /Max-Age=0\b/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const headers = (extra: Record<string, string> = {}) => ({
    "Accept-Language": acceptLanguage,
    ...(jar.size ? { Cookie: cookieHeader() } : {}),
    ...extra,
  });
  return {
    /** Every cookie the server set, as a Cookie header (`name=value; name=value`). */
    get cookie() {
      return cookieHeader();
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

/** The days of a time picker's strip that have free slots (`data-day` links), in order. */
export function pickerDays(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bdata-day="(\d{4}-\d{2}-\d{2})"/g)].map((m) => m[1]!);
}

/** Where a time picker's "Later week" leads, or null in the horizon's last week. */
export function laterWeek(html: string): string | null {
  const link = /<a\b[^>]*\bdata-week="later"[^>]*>/.exec(html)?.[0];
  return link ? /href="([^"]+)"/.exec(link)![1]!.replace(/&amp;/g, "&") : null;
}

/**
 * Every free slot a doctor's profile offers, in time order, as a visitor finds them: it shows a week of
 * days and one day at a time (the rest of a part of the day behind "More times", in the page all the
 * same), so each day of each week up to the horizon is read.
 */
export async function doctorSlotStarts(baseURL: string, doctorId: string): Promise<string[]> {
  const starts: string[] = [];
  let week: string | null = `/doctors/${doctorId}`;
  while (week) {
    const html = await (await fetch(`${baseURL}${week}`)).text();
    const pages = await Promise.all(pickerDays(html).map(async (day) => (await fetch(`${baseURL}/doctors/${doctorId}?day=${day}`)).text()));
    starts.push(...pages.flatMap(slotStarts));
    week = laterWeek(html);
  }
  return starts;
}

/** The id of the account with this email in the admin's list of users (/admin/users). */
export function accountIdIn(usersPage: string, email: string): string {
  const escaped = email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const id = new RegExp(`data-user-id="([0-9a-f-]{36})"[^>]*>(?:(?!</tr>).)*?<td>${escaped}</td>`, "s").exec(usersPage)?.[1];
  if (!id) throw new Error(`no account ${email} in the list of users`);
  return id;
}
