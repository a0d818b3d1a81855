/**
 * The arrival line: when this process is past its capacity, a new arrival — someone opening the sign-in,
 * directory, appointment or room pages without having been let in yet — gets a small page, "You are in
 * line: number N, about M seconds", answered from memory, without the database. The page retries by itself
 * (a refresh with jitter) and keeps its place through a signed arrival ticket (a cookie holding the time of
 * arrival, which nobody can move forward). Whoever was let in carries a pass (a signed cookie, renewed
 * while used): patients already in the waiting room or in a call, doctors and staff are never turned away.
 *
 * Who goes in next is decided like Shopify's checkout throttle: a "now serving" mark, an instant of
 * arrival up to which tickets are let in. Unless the process is past capacity, the mark moves forward a
 * batch of waiting tickets every tick, and while there is plenty of room the batch grows; past capacity
 * the mark stops and the batch halves. So the line drains in arrival order, at the rate this process can take. Each worker and each
 * instance keeps its own mark; they move alike, since they judge the same kind of load.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { LOCALES } from "~/domain/vocabulary";
import { translator } from "~/i18n";
import type { LoadReading } from "~/utils/load-gauge.server";

export const TICKET_COOKIE = "yz_line";
export const PASS_COOKIE = "yz_pass";
/** Marks an answer of the line (its value: the place in line). */
export const LINE_HEADER = "X-Yunzhen-Line";
/** A pass lasts this long and is renewed when half of it is gone (as a session's idle time). */
const PASS_SECONDS = 2 * 60 * 60;
/** Clinic staff and doctors keep theirs longer: a device used at the nurses' desk is not sent to the line. */
const STAFF_PASS_SECONDS = 30 * 24 * 60 * 60;
const TICK_MS = 250;
/** A waiting ticket not seen for this long has left (it keeps its place if it comes back). */
const FORGET_MS = 30_000;
const FIRST_BATCH = 4;
/** Those let in start their work seconds later: a larger batch overshoots the capacity it was measured at. */
const MAX_BATCH = 8;
/** The mark's speed is judged over this long, for the estimate of the wait. */
const SPEED_WINDOW_MS = 10_000;

export type PassRole = "visitor" | "patient" | "staff";

/** When a process counts as past capacity (line newcomers, stop the mark) or as having room (move it). */
export type Thresholds = { busyUtilisation: number; busyDelayMs: number; busyHashes: number; freeUtilisation: number; freeDelayMs: number; freeHashes: number };
export const DEFAULT_THRESHOLDS: Thresholds = {
  busyUtilisation: 0.9,
  /** One GC pause or large render passes 100 ms: at that limit the line stalled a quiet server. */
  busyDelayMs: 200,
  busyHashes: 12,
  freeUtilisation: 0.75,
  freeDelayMs: 80,
  freeHashes: 6,
};

export type LineDecision =
  | { admit: true; setCookies: string[] }
  | { admit: false; position: number; etaSeconds: number; retryAfterSeconds: number; setCookies: string[] };

export type ArrivalLine = ReturnType<typeof createArrivalLine>;

export function createArrivalLine(options: {
  secret: string;
  load: () => LoadReading;
  thresholds?: Partial<Thresholds>;
  now?: () => number;
  random?: () => number;
}) {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sign = (body: string) => createHmac("sha256", options.secret).update(body).digest("base64url");
  const signed = (body: string) => `${body}.${sign(body)}`;
  const verified = (value: string | undefined): string[] | null => {
    if (!value || value.length > 200) return null;
    const dot = value.lastIndexOf(".");
    if (dot < 1) return null;
    const body = value.slice(0, dot);
    const expected = Buffer.from(sign(body));
    const given = Buffer.from(value.slice(dot + 1));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return body.split(":");
  };

  /** Waiting tickets this process has seen lately: id → arrival and last visit. */
  const waiting = new Map<string, { arrivedAt: number; lastSeen: number }>();
  /** Their arrival instants in order, rebuilt every tick (positions are counted in it). */
  let queue: number[] = [];
  /** Tickets that arrived up to this instant are let in. */
  let servingUntil = -Infinity;
  let batch = FIRST_BATCH;
  let lastState: "busy" | "free" | "between" = "free";
  /** Where the mark stood lately, for its speed. */
  const marks: { at: number; mark: number }[] = [];

  const stateOf = (r: LoadReading): "busy" | "free" | "between" => {
    if (r.utilisation >= thresholds.busyUtilisation || r.delayP99 >= thresholds.busyDelayMs || r.hashesInFlight >= thresholds.busyHashes) return "busy";
    if (r.utilisation <= thresholds.freeUtilisation && r.delayP99 <= thresholds.freeDelayMs && r.hashesInFlight <= thresholds.freeHashes) return "free";
    return "between";
  };

  function tick() {
    const at = now();
    for (const [id, ticket] of waiting) {
      if (at - ticket.lastSeen > FORGET_MS || ticket.arrivedAt <= servingUntil) waiting.delete(id);
    }
    queue = [...waiting.values()].map((t) => t.arrivedAt).sort((a, b) => a - b);
    lastState = stateOf(options.load());
    if (lastState === "busy") {
      batch = Math.max(1, Math.floor(batch / 2));
    } else {
      // Let the next batch in (a growing one while there is plenty of room); with nobody (else) waiting,
      // the line is empty and the mark is now.
      servingUntil = queue.length > batch ? queue[batch - 1]! : at;
      if (lastState === "free") batch = Math.min(MAX_BATCH, batch + 1);
    }
    marks.push({ at, mark: Math.min(servingUntil, at) });
    while (marks.length > 0 && at - marks[0]!.at > SPEED_WINDOW_MS) marks.shift();
  }
  const timer = setInterval(tick, TICK_MS);
  timer.unref();

  /** How many seconds of arrivals the mark has served per second lately (0 when stalled). */
  const markSpeed = () => {
    const first = marks[0];
    const last = marks[marks.length - 1];
    if (!first || !last || last.at - first.at < 1_000 || !Number.isFinite(first.mark)) return 0;
    return Math.max(0, (last.mark - first.mark) / (last.at - first.at));
  };

  const passCookie = (role: PassRole, secure: boolean) => {
    const seconds = role === "staff" ? STAFF_PASS_SECONDS : PASS_SECONDS;
    const expires = Math.floor(now() / 1000) + seconds;
    return `${PASS_COOKIE}=${signed(`${role}:${expires}`)}; Path=/; Max-Age=${seconds}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  };
  const clearTicket = (secure: boolean) => `${TICKET_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;

  return {
    /** The Set-Cookie of a pass: given at admission and at sign-in (doctors and staff get the long one). */
    passCookie,

    /** Whether a request carries a valid pass; its renewal when half of it is gone. */
    checkPass(value: string | undefined, secure: boolean): { valid: boolean; renew: string | null } {
      const parts = verified(value);
      if (!parts || parts.length !== 2) return { valid: false, renew: null };
      const [role, expires] = parts as [PassRole, string];
      const left = Number(expires) * 1000 - now();
      if (!(left > 0)) return { valid: false, renew: null };
      const lifetime = (role === "staff" ? STAFF_PASS_SECONDS : PASS_SECONDS) * 1000;
      return { valid: true, renew: left < lifetime / 2 ? passCookie(role, secure) : null };
    },

    /** Let a new arrival (one without a pass) in now, or tell them their place in the line. */
    decide(ticketValue: string | undefined, secure: boolean): LineDecision {
      const at = now();
      const parts = verified(ticketValue);
      let ticket = parts && parts.length === 2 ? { id: parts[0]!, arrivedAt: Number(parts[1]) } : null;
      if (ticket && !(ticket.arrivedAt <= at)) ticket = null;
      if (!ticket) {
        if (lastState !== "busy" && queue.length === 0 && waiting.size === 0) return { admit: true, setCookies: [passCookie("visitor", secure)] };
        ticket = { id: randomBytes(9).toString("base64url"), arrivedAt: at };
      }
      if (ticket.arrivedAt <= servingUntil) {
        waiting.delete(ticket.id);
        return { admit: true, setCookies: [passCookie("visitor", secure), clearTicket(secure)] };
      }
      const known = waiting.get(ticket.id);
      if (known) {
        known.lastSeen = at;
      } else {
        waiting.set(ticket.id, { arrivedAt: ticket.arrivedAt, lastSeen: at });
        queue.splice(lowerBound(queue, ticket.arrivedAt), 0, ticket.arrivedAt);
      }
      // Place: the waiting tickets that arrived earlier and are not yet let in, and this one.
      const ahead = lowerBound(queue, ticket.arrivedAt) - lowerBound(queue, servingUntil + 1);
      const position = Math.max(1, ahead + 1);
      const speed = markSpeed();
      const behind = ticket.arrivedAt - Math.max(servingUntil, queue[0] ?? ticket.arrivedAt);
      // While the line stands still there is nothing to measure: say half a minute at least.
      const etaSeconds = Math.round(Math.min(900, speed > 0 ? Math.max(5, behind / speed / 1000) : Math.max(30, position)));
      const retryAfterSeconds = Math.round(Math.min(10, Math.max(2, etaSeconds / 3)) + random() * 2);
      const setCookies = known ? [] : [`${TICKET_COOKIE}=${signed(`${ticket.id}:${ticket.arrivedAt}`)}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`];
      return { admit: false, position, etaSeconds, retryAfterSeconds, setCookies };
    },

    /** Whether this process was judged to have room at the last tick (below every "free" threshold). */
    hasRoom: () => lastState === "free",

    /** What the line looks like now (for /healthz and the bench). */
    state: () => ({ waiting: waiting.size, batch, load: lastState, servingUntil: Number.isFinite(servingUntil) ? servingUntil : null }),
    close: () => clearInterval(timer),
  };
}

/** Index of the first element ≥ value in a sorted array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * The line's page, in both languages (the viewer's first): small, answered from memory, refreshing
 * itself after `retryAfterSeconds` to `retryUrl`. A link lets clinic staff sign in at their own entrance.
 */
export function linePage(options: { position: number; etaSeconds: number; retryAfterSeconds: number; retryUrl: string; firstLocale: (typeof LOCALES)[number] }): string {
  const locales = [options.firstLocale, ...LOCALES.filter((l) => l !== options.firstLocale)];
  const sections = locales
    .map((locale) => {
      const t = translator(locale);
      return `<section lang="${locale}"><h1>${t("line.heading")}</h1><p class="place">${t("line.place", { position: options.position })}</p><p>${t("line.eta", { seconds: options.etaSeconds })}</p><p>${t("line.keep")}</p><p class="staff"><a href="/login?staff=1">${t("line.staff")}</a></p></section>`;
    })
    .join("");
  const url = escapeHtml(options.retryUrl);
  return `<!doctype html><html lang="${options.firstLocale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="refresh" content="${options.retryAfterSeconds};url=${url}"><title>${translator(options.firstLocale)("line.heading")} · 云诊 Yunzhen</title><style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#17232b;background:#f5f8f9;line-height:1.55}section{background:#fff;border:1px solid #d9e2e6;border-radius:10px;padding:1rem 1.25rem;margin-bottom:1rem}h1{font-size:1.35rem;margin:0 0 .5rem}.place{font-size:1.6rem;font-weight:700;color:#075e5a;margin:.25rem 0}.staff{font-size:.9rem}a{color:#075e5a}</style></head><body><main id="main">${sections}</main></body></html>`;
}
