/**
 * The 9 am surge: 2,000 patients of 100 doctors arrive within one minute (×3 with SURGE_SCALE=3). Each
 * opens the sign-in page — waiting on the arrival line's page when the server says so, as the browser
 * does — signs in, opens the consultation room, keeps its WebSocket open and checks in, as the browser
 * does (its place in the queue is pushed; the page reloads its data only for its own status); meanwhile
 * each doctor, signed in with the Today page's event stream open (changes are pushed with the entry),
 * admits their patients one after another. Loopback only, against the production server in a child
 * process (with its workers): on a scratch database of a PostgreSQL server when a URL is given, otherwise
 * on PGlite.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { asc, eq, like, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { WebSocket } from "ws";
import { openDatabase } from "~db/client.server";
import { appointments, doctors, users } from "~db/schema";
import { seedDemoHospital } from "~db/seed";
import { hashPassword, verifyPassword } from "~/features/auth/password.server";
import { SESSION_COOKIE, buildApp, startServer, workerProcesses, type RunningServer } from "../helpers/server";
import { ms, percentile, time } from "./stats";
import { createScratchDatabase } from "../helpers/database";

/** 100 doctors; SURGE_DOCTORS=10 runs a tenth of the surge in the same minute (to find what the machine can take). */
const DOCTORS = Number(process.env.SURGE_DOCTORS) || 100;
/** SURGE_SCALE=3: three times the patients in the same minute (the arrival line must hold them). */
const SCALE = Number(process.env.SURGE_SCALE) || 1;
const PATIENTS_PER_DOCTOR = 20 * SCALE;
const PATIENTS = DOCTORS * PATIENTS_PER_DOCTOR;
/** Every sign-in, room page and check-in is meant to happen inside this minute … */
const WINDOW_MS = 60_000;
/** … patients arriving (signing in) evenly over its first 45 s … */
const ARRIVALS_MS = 45_000;
/** … and looking at the camera check for 1–3 s before pressing "Check in". */
const THINK_MS = [1_000, 3_000] as const;
/** Doctors sign in over the first 5 s and spend this long with each patient before admitting the next. */
const DOCTOR_ARRIVALS_MS = 5_000;
const DOCTOR_PAUSE_MS = 1_000;
/** Doctors stop admitting this long after the start (a patient who checked in late is still admitted). */
const ADMIT_DEADLINE_MS = (WINDOW_MS + 30_000) * SCALE;
const SLOT_MINUTES = 5 / SCALE;
/** One loopback address acts as 2,100 people: every scaled allowance ×1000. */
const RATE_LIMIT_SCALE = "1000";
const PASSWORD = "surge bench password";
/** A request or a socket's handshake that takes longer counts as failed (and keeps the bench bounded). */
const REQUEST_TIMEOUT_MS = 30_000;
const ROOM_DATA = "routes%2Fconsult.%24appointmentId._index";
const TODAY_DATA = "routes%2Fdoctor.today";

type Kind = "sign-in page" | "sign-in" | "room page" | "check-in" | "room data reload" | "call token" | "doctor Today" | "doctor room page" | "admit";
const KINDS: Kind[] = ["sign-in page", "sign-in", "room page", "check-in", "room data reload", "call token", "doctor Today", "doctor room page", "admit"];
type Room = { appointmentId: string; startsAt: Date; patientEmail: string; doctorEmail: string };

/** Latencies, errors and live connections, as the bench sees them. */
class Recorder {
  readonly latencies = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  readonly errors = new Map<string, number>();
  liveOpen = 0;
  livePeak = 0;
  /** Per person sent to the arrival line: when they arrived and when they were let in (ms after the start). */
  readonly lined: { arrivedAt: number; admittedAt: number }[] = [];
  lineAnswers = 0;
  error(what: string) {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }
  record(kind: Kind, elapsed: number) {
    this.latencies.get(kind)!.push(elapsed);
  }
  opened() {
    this.liveOpen++;
    this.livePeak = Math.max(this.livePeak, this.liveOpen);
  }
  get errorCount() {
    return [...this.errors.values()].reduce((a, b) => a + b, 0);
  }
}

const reasonOf = (error: unknown) => {
  const e = error as Error & { cause?: Error };
  return e.cause?.message ?? e.message;
};

/**
 * One person's browser: its cookies, and requests timed under a kind; non-2xx/3xx are errors. A page the
 * arrival line answers ("You are in line", `X-Yunzhen-Line`) is waited out as the page does — it refreshes
 * itself after `Retry-After` seconds — and the request is made again; the time spent in line is recorded
 * apart from the request's own latency.
 */
function browser(base: string, recorder: Recorder, t0: number) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  async function send(kind: Kind, pathname: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
    let linedSince: number | null = null;
    for (;;) {
      const started = performance.now();
      let response: Response;
      let body: string;
      try {
        response = await fetch(`${base}${pathname}`, {
          ...init,
          signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(init.signal ? [init.signal] : [])]),
          redirect: "manual",
          headers: { "Accept-Language": "en", ...(jar.size ? { Cookie: cookie() } : {}), ...init.headers },
        });
        body = await response.text();
      } catch (error) {
        // A reload abandoned for a newer one is what the browser does, not a failure.
        if (!init.signal?.aborted) recorder.error(`${kind}: ${reasonOf(error)}`);
        throw error;
      }
      for (const set of response.headers.getSetCookie()) {
        const [pair] = set.split(";");
        const eq = pair!.indexOf("=");
        const [name, value] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
        if (/Max-Age=0/i.test(set) || value === "") jar.delete(name);
        else jar.set(name, value);
      }
      const line = response.headers.get("x-yunzhen-line");
      if (line !== null) {
        recorder.lineAnswers++;
        linedSince ??= started - t0;
        await sleep(Number(response.headers.get("retry-after") ?? 3) * 1000);
        continue;
      }
      if (linedSince !== null) recorder.lined.push({ arrivedAt: linedSince, admittedAt: performance.now() - t0 });
      if (response.status >= 400) {
        recorder.error(`${kind}: HTTP ${response.status}`);
        throw new Error(`${kind} ${pathname}: HTTP ${response.status}`);
      }
      recorder.record(kind, performance.now() - started);
      return { status: response.status, body };
    }
  }
  const form = (fields: Record<string, string>): RequestInit => ({
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams(fields),
  });
  return {
    get cookie() {
      return cookie();
    },
    get: (kind: Kind, pathname: string, signal?: AbortSignal) => send(kind, pathname, { signal }),
    /** A form posted the way the tests do (no JavaScript): the answer is a redirect. */
    async submit(kind: Kind, pathname: string, fields: Record<string, string>) {
      const answer = await send(kind, pathname, form(fields));
      if (answer.status !== 302) recorder.error(`${kind}: HTTP ${answer.status} instead of a redirect`);
      return answer.status === 302;
    },
    fetchPost: (kind: Kind, pathname: string) =>
      send(kind, pathname, { method: "POST", headers: { "X-Requested-With": "fetch", Origin: base } }),
    /** Opens the sign-in page (the arrival: the line may answer it) and signs in. */
    async signIn(email: string) {
      await send("sign-in page", "/login");
      if (!(await this.submit("sign-in", "/login", { email, password: PASSWORD })) || !jar.has(SESSION_COOKIE)) {
        throw new Error(`sign-in of ${email} failed`);
      }
    },
  };
}
type Browser = ReturnType<typeof browser>;

/**
 * What Remix does in the browser when a page reloads its data: `revalidate()` fetches the route's data
 * (the root's stays: see its `shouldRevalidate`), after a form the root's too, and a newer reload
 * abandons (aborts) one still in flight.
 */
function reloader(person: Browser, pathname: string, routeData: string, kind: Kind) {
  let inFlight: AbortController | null = null;
  return (afterForm = false) => {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    void Promise.all([
      afterForm ? person.get(kind, `${pathname}?_data=root`, controller.signal) : null,
      person.get(kind, `${pathname}?_data=${routeData}`, controller.signal),
    ]).catch(() => {}); // counted by the recorder
  };
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, millis)));

type Surge = { base: string; t0: number; recorder: Recorder; closers: Set<() => void> };
const browserOf = (run: Surge) => browser(run.base, run.recorder, run.t0);

/**
 * A patient's morning: open the sign-in page (perhaps waiting in line), sign in, open the room, open its
 * WebSocket, check in, and once admitted fetch the call's credentials and join. The page reloads its data
 * as `useRoomSocket` does: when its status is not the one the page shows; its place in the queue
 * is pushed (`queue`) and needs no reload; while a form is on its way Remix reloads after it anyway.
 */
async function patientMorning(run: Surge, room: Room, arriveAt: number, checkIns: number[]) {
  const { base, t0, recorder, closers } = run;
  await sleep(t0 + arriveAt - performance.now());
  const person = browserOf(run);
  const roomPath = `/consult/${room.appointmentId}`;
  await person.signIn(room.patientEmail);
  await person.get("room page", roomPath);
  const reload = reloader(person, roomPath, ROOM_DATA, "room data reload");
  let status = "booked";
  let submitting = false;
  let closing = false;
  let queued: ReturnType<typeof setTimeout> | undefined;
  const reloadNow = (afterForm = false) => {
    clearTimeout(queued);
    queued = undefined;
    if (!closing) reload(afterForm);
  };
  await new Promise<void>((resolve, reject) => {
    // The room page was read with no chat: the socket says whether any came since.
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws/signal?appointment=${room.appointmentId}&chat=0`, {
      headers: { Cookie: person.cookie, Origin: base },
      handshakeTimeout: REQUEST_TIMEOUT_MS,
    });
    let opened = false;
    let joined = false;
    ws.on("unexpected-response", (_request, response) => {
      recorder.error(`room socket: HTTP ${response.statusCode}`);
      reject(new Error(`room socket refused: ${response.statusCode}`));
    });
    ws.on("error", (error) => {
      recorder.error(`room socket: ${error.message}`);
      reject(error);
    });
    ws.on("open", () => {
      opened = true;
      recorder.opened();
      closers.add(() => {
        closing = true;
        clearTimeout(queued);
        ws.close();
      });
      resolve();
    });
    ws.on("close", () => {
      if (!opened) return;
      recorder.liveOpen--;
      if (!closing) recorder.error("room socket dropped");
    });
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type: string; status?: string; missedChat?: boolean };
      // As the page: on "ready" and "changed" it reloads only for another status (or missed chat); "stale"
      // reloads after 1–3 s; the queue's moves are applied in place.
      if (message.type === "stale") queued ??= setTimeout(reloadNow, 1_000 + Math.random() * 2_000);
      if ((message.type !== "changed" && message.type !== "ready") || submitting) return;
      if (message.status !== status || message.missedChat) {
        status = message.status ?? status;
        reloadNow();
      }
      if (message.status === "in_consultation" && !joined) {
        joined = true;
        person
          .fetchPost("call token", `${roomPath}/token`)
          .then(({ body }) => ws.send(JSON.stringify({ type: "join", ticket: (JSON.parse(body) as { token: string }).token })))
          .catch(() => {}); // counted
      }
    });
  });
  await sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));
  submitting = true;
  const checkedIn = await person.submit("check-in", roomPath, { intent: "checkIn" }).finally(() => (submitting = false));
  if (checkedIn) {
    checkIns.push(performance.now() - t0);
    status = "checked_in";
  }
  reloadNow(true); // the form's redirect back to the room
}

/**
 * A doctor's morning: sign in, keep Today open — its event stream pushes every change of the doctor's
 * appointments with the entry, which the page applies in place (it reads its data again only on
 * `resync` and when the stream reconnects) — and admit the patients it shows waiting, in appointment order.
 * Returns how many were admitted.
 */
async function doctorMorning(run: Surge, email: string, rooms: Room[], arriveAt: number) {
  const { base, t0, recorder, closers } = run;
  await sleep(t0 + arriveAt - performance.now());
  const person = browserOf(run);
  await person.signIn(email);
  const startsAt = new Map(rooms.map((r) => [r.appointmentId, r.startsAt.getTime()]));
  const waiting = new Set<string>();
  const admittedIds = new Set<string>();
  let wake = () => {};
  const consider = (id: string, status: string) => {
    if (!startsAt.has(id) || admittedIds.has(id)) return;
    if (status === "checked_in") waiting.add(id);
    else waiting.delete(id);
    wake();
  };
  const readToday = async () => {
    const { body } = await person.get("doctor Today", `/doctor/today?_data=${TODAY_DATA}`);
    for (const a of (JSON.parse(body) as { appointments: { id: string; status: string }[] }).appointments) consider(a.id, a.status);
  };
  await person.get("doctor Today", "/doctor/today");
  const controller = new AbortController();
  let closing = false;
  closers.add(() => {
    closing = true;
    controller.abort();
  });
  const response = await fetch(`${base}/live/events?since=${encodeURIComponent(new Date().toISOString())}`, {
    headers: { Cookie: person.cookie },
    signal: controller.signal,
  }).catch((error: unknown) => {
    recorder.error(`event stream: ${reasonOf(error)}`);
    throw error;
  });
  if (!response.ok || !response.body) {
    recorder.error(`event stream: HTTP ${response.status}`);
    throw new Error(`event stream refused: ${response.status}`);
  }
  recorder.opened();
  await readToday(); // the page's data, as hydrated
  const reader = response.body.getReader();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes("event: resync")) readToday().catch(() => {});
          if (!block.includes("event: appointment")) continue;
          const change = JSON.parse(block.slice(block.indexOf("data: ") + 6)) as { appointmentId: string; status: string };
          consider(change.appointmentId, change.status);
        }
      }
    } catch {
      // aborted at the end, or dropped: told apart below
    }
    recorder.liveOpen--;
    if (!closing) recorder.error("event stream dropped");
  })();

  let admitted = 0;
  while (admitted < rooms.length && performance.now() - t0 < ADMIT_DEADLINE_MS) {
    if (waiting.size === 0) {
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(1_000)]);
      continue;
    }
    const next = [...waiting].sort((a, b) => startsAt.get(a)! - startsAt.get(b)!)[0]!;
    waiting.delete(next);
    admittedIds.add(next);
    try {
      await person.get("doctor room page", `/consult/${next}`);
      if (await person.submit("admit", `/consult/${next}`, { intent: "admit", confirmAway: "1" })) admitted++;
    } catch {
      // counted
    }
    await sleep(DOCTOR_PAUSE_MS);
  }
  return admitted;
}

/** A process and its children (the server's primary and its workers). */
function serverProcesses(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return all;
}

/** CPU seconds the server's processes have used together. */
function treeCpuSeconds(pid: number) {
  return serverProcesses(pid).reduce((sum, p) => sum + (() => { try { return cpuSeconds(p); } catch { return 0; } })(), 0);
}

/** Resident memory of the server's processes together, in MiB. */
function treeRss(pid: number) {
  return serverProcesses(pid).reduce((sum, p) => sum + (() => { try { return memory(p).rss; } catch { return 0; } })(), 0);
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // After "(command) ": utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A process's resident memory now and at its peak (VmHWM), in MiB. */
function memory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0) / 1024;
  return { rss: mib("VmRSS"), peak: mib("VmHWM") };
}

/** Busy and total CPU time of the whole machine, from /proc/stat. */
function machineCpu() {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

/** Established TCP connections on the server's port (live ones and idle keep-alive alike). */
function serverConnections(port: string): number {
  try {
    return execFileSync("ss", ["-Htn", "state", "established", `( sport = :${port} )`], { encoding: "utf8" }).split("\n").filter(Boolean).length;
  } catch {
    return Number.NaN;
  }
}

/**
 * Requests a second of GET requests, 32 at a time for 5 s (worker i asks for `requests[i % n]`), and
 * the server's CPU time for each.
 */
async function throughput(base: string, pid: number, recorder: Recorder, requests: { path: string; cookie?: string }[]) {
  let done = 0;
  const cpu0 = treeCpuSeconds(pid);
  const t0 = performance.now();
  const until = t0 + 5_000;
  await Promise.all(
    Array.from({ length: 32 }, async (_, worker) => {
      const { path: pathname, cookie } = requests[worker % requests.length]!;
      while (performance.now() < until) {
        try {
          const response = await fetch(`${base}${pathname}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
          await response.arrayBuffer();
          if (response.status === 200) done++;
          else recorder.error(`throughput ${pathname.split("?")[0]}: HTTP ${response.status}`);
        } catch (error) {
          recorder.error(`throughput ${pathname.split("?")[0]}: ${reasonOf(error)}`);
        }
      }
    }),
  );
  return { perSecond: done / ((performance.now() - t0) / 1000), cpuMs: ((treeCpuSeconds(pid) - cpu0) * 1000) / Math.max(1, done) };
}

/** A new database (a scratch database on the PostgreSQL server, or a PGlite directory) with the surge's morning in it. */
async function prepareDatabase(serverUrl: string | undefined) {
  const pgliteDir = path.join(mkdtempSync(path.join(tmpdir(), "yunzhen-surge-")), "pglite");
  const scratch = serverUrl ? await createScratchDatabase(serverUrl, "yz_surge") : undefined;
  const databaseUrl = scratch?.url;
  const handle = await openDatabase(databaseUrl ? { databaseUrl } : { pgliteDir });
  const { db } = handle;
  await seedDemoHospital(db);
  // One argon2id hash for every bench account (hashing 2,100 would take a minute); signing in still
  // verifies it for real.
  const hash = await hashPassword(PASSWORD);
  const step = SLOT_MINUTES * 60_000;
  const firstStart = new Date(Math.floor(Date.now() / 300_000) * 300_000 - 30 * 60_000);
  await db.execute(sql`
    insert into users (email, display_name, role)
    select 'surge-doctor-' || lpad(g::text, 3, '0') || '@bench.example', 'Surge doctor ' || g, 'doctor' from generate_series(1, ${DOCTORS}) g`);
  await db.execute(sql`
    with u as (select id, display_name, row_number() over (order by email) n from users where email like 'surge-doctor-%'),
         dep as (select id, row_number() over (order by sort_order) - 1 n, count(*) over () total from departments)
    insert into doctors (user_id, department_id, name_zh, name_en, title)
    select u.id, dep.id, u.display_name, u.display_name, 'attending' from u join dep on dep.n = u.n % dep.total`);
  await db.execute(sql`
    insert into users (email, display_name, role)
    select 'surge-patient-' || lpad(g::text, 4, '0') || '@bench.example', 'Surge patient ' || g, 'patient' from generate_series(1, ${PATIENTS}) g`);
  await db.execute(sql`insert into passwords (user_id, hash) select id, ${hash} from users where email like 'surge-%'`);
  // Doctor n sees patients 20(n-1)+1 … 20n, one every five minutes from half an hour ago (at ×3, sixty
  // patients, one every 100 seconds).
  await db.execute(sql`
    with d as (select d.id, row_number() over (order by u.email) - 1 n from doctors d join users u on u.id = d.user_id where u.email like 'surge-doctor-%'),
         p as (select id, row_number() over (order by email) - 1 n from users where email like 'surge-patient-%')
    insert into appointments (patient_id, doctor_id, starts_at, ends_at, reason, idempotency_key)
    select p.id, d.id,
      ${firstStart.toISOString()}::timestamptz + make_interval(secs => (p.n % ${PATIENTS_PER_DOCTOR}) * ${step / 1000}),
      ${firstStart.toISOString()}::timestamptz + make_interval(secs => (p.n % ${PATIENTS_PER_DOCTOR} + 1) * ${step / 1000}),
      'Morning follow-up visit', 'surge-' || p.n
    from p join d on d.n = p.n / ${PATIENTS_PER_DOCTOR}`);
  // The last appointments start about an hour from now: open every room at once.
  await db.execute(sql`update clinic_settings set join_opens_minutes_before = 180 where id = 1`);
  const doctorUser = alias(users, "doctor_user");
  const rooms: Room[] = await db
    .select({ appointmentId: appointments.id, startsAt: appointments.startsAt, patientEmail: users.email, doctorEmail: doctorUser.email })
    .from(appointments)
    .innerJoin(users, eq(users.id, appointments.patientId))
    .innerJoin(doctors, eq(doctors.id, appointments.doctorId))
    .innerJoin(doctorUser, eq(doctorUser.id, doctors.userId))
    .where(like(users.email, "surge-patient-%"))
    .orderBy(asc(users.email));
  await handle.close();
  const verifications: number[] = [];
  for (let i = 0; i < 5; i++) verifications.push((await time(() => verifyPassword(hash, PASSWORD)))[1]);
  const serverEnv: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DIR: pgliteDir };
  return {
    rooms,
    verifyMs: percentile(verifications, 50),
    serverEnv,
    label: databaseUrl ? `PostgreSQL (scratch database ${scratch?.name}, pool of ${process.env.DATABASE_POOL_SIZE ?? 10} connections)` : "PGlite (embedded)",
    drop: async () => {
      rmSync(path.dirname(pgliteDir), { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}

/** Whether build/ is missing or older than something under app/. */
function buildIsStale(): boolean {
  if (!existsSync("build/index.js")) return true;
  const built = statSync("build/index.js").mtimeMs;
  return readdirSync("app", { recursive: true, encoding: "utf8" }).some((file) => statSync(path.join("app", file)).mtimeMs > built);
}

/** The surge on PostgreSQL (a scratch database of the server at `serverUrl`) or, without one, on PGlite. */
export async function benchSurge(serverUrl?: string) {
  if (buildIsStale()) {
    buildApp();
  }
  const database = await prepareDatabase(serverUrl);
  try {
    const workers: Record<string, string> = process.env.SURGE_WORKERS ? { WEB_CONCURRENCY: process.env.SURGE_WORKERS } : {};
    const server = await startServer({ ...database.serverEnv, ...workers, RATE_LIMIT_SCALE, ARRIVAL_LINE: "on" });
    // Should the bench die half-way, the server must not live on.
    const orphan = () => server.process.kill("SIGKILL");
    process.once("exit", orphan);
    try {
      console.log(
        `  ${database.label}; ${Math.max(1, workerProcesses(server.process.pid!).length)} worker process(es); ` +
          `RATE_LIMIT_SCALE=${RATE_LIMIT_SCALE} (one loopback address acts as ${PATIENTS + DOCTORS} people)`,
      );
      console.log(
        `  ${DOCTORS} doctors, ${PATIENTS} patients with an appointment this morning; patients sign in evenly over ${ARRIVALS_MS / 1000} s ` +
          `and check in 1–3 s after opening the room; machine load average before: ${loadavg()[0]!.toFixed(2)}`,
      );
      console.log(`  argon2id verification: ${ms(database.verifyMs)} of one core each here (~${((database.verifyMs * (PATIENTS + DOCTORS)) / 1000).toFixed(0)} CPU-s for all sign-ins)`);
      await surge(server, database.rooms);
    } finally {
      await server.stop();
      process.off("exit", orphan);
    }
  } finally {
    await database.drop();
  }
}

async function surge(server: RunningServer, rooms: Room[]) {
  const pid = server.process.pid!;
  const base = server.url.replace("localhost", "127.0.0.1");
  const recorder = new Recorder();
  const run: Surge = { base, t0: 0, recorder, closers: new Set() };
  const checkIns: number[] = [];
  const rssBefore = treeRss(pid);
  let peakRss = rssBefore;
  const probes: number[] = [];
  const benchDelay = monitorEventLoopDelay();
  benchDelay.enable();
  const byDoctor = new Map<string, Room[]>();
  for (const room of rooms) byDoctor.set(room.doctorEmail, [...(byDoctor.get(room.doctorEmail) ?? []), room]);
  const cpu0 = { server: treeCpuSeconds(pid), bench: process.cpuUsage(), machine: machineCpu() };
  run.t0 = performance.now();
  let sampling = true;
  // Every 250 ms: the server's memory, and how long a static file takes to come back (its responsiveness).
  const sampler = (async () => {
    while (sampling) {
      peakRss = Math.max(peakRss, treeRss(pid));
      const [, elapsed] = await time(() =>
        fetch(`${base}/favicon.svg`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then(
          (r) => r.arrayBuffer(),
          (error: unknown) => recorder.error(`static probe: ${reasonOf(error)}`),
        ),
      );
      probes.push(elapsed);
      await sleep(250);
    }
  })();

  const shuffled = [...rooms].sort(() => Math.random() - 0.5);
  const patients = Promise.allSettled(shuffled.map((room, i) => patientMorning(run, room, (i / PATIENTS) * ARRIVALS_MS, checkIns)));
  const doctorsDone = Promise.allSettled(
    [...byDoctor].map(([email, own], i) => doctorMorning(run, email, own, (i / DOCTORS) * DOCTOR_ARRIVALS_MS)),
  );
  const visits = await patients;
  const patientsDoneAt = performance.now() - run.t0;
  const admitted = (await doctorsDone).reduce((sum, d) => sum + (d.status === "fulfilled" ? d.value : 0), 0);
  const surgeSeconds = (performance.now() - run.t0) / 1000;
  const cpu1 = { server: treeCpuSeconds(pid), bench: process.cpuUsage(cpu0.bench), machine: machineCpu() };
  benchDelay.disable();
  const serverSide = serverConnections(new URL(base).port);
  const liveAfter = recorder.liveOpen;
  sampling = false;
  await sampler;

  // Throughput with the live connections still held: a static file, an authenticated page, a room's data.
  const signedIn: { cookie: string; room: Room }[] = [];
  for (const room of rooms.slice(0, 32)) {
    const person = browser(base, recorder, run.t0);
    if (await person.signIn(room.patientEmail).then(() => true, () => false)) signedIn.push({ cookie: person.cookie, room });
  }
  const staticFile = await throughput(base, pid, recorder, [{ path: "/favicon.svg" }]);
  const page = await throughput(base, pid, recorder, signedIn.map(({ cookie }) => ({ path: "/appointments", cookie })));
  const roomData = await throughput(base, pid, recorder, signedIn.map(({ cookie, room }) => ({ path: `/consult/${room.appointmentId}?_data=${ROOM_DATA}`, cookie })));
  const peakMiB = Math.max(peakRss, treeRss(pid));
  for (const close of run.closers) close();

  console.log(`  latencies seen by the bench (loopback; reloads abandoned for a newer one are not counted):`);
  for (const kind of KINDS) {
    const values = recorder.latencies.get(kind)!;
    console.log(
      `    ${kind.padEnd(20)} n=${String(values.length).padStart(5)}  p50 ${ms(percentile(values, 50)).padStart(9)}  p95 ${ms(percentile(values, 95)).padStart(9)}` +
        `  p99 ${ms(percentile(values, 99)).padStart(9)}  max ${ms(Math.max(0, ...values)).padStart(9)}`,
    );
  }
  const inWindow = checkIns.filter((t) => t <= WINDOW_MS).length;
  console.log(
    `  check-ins: ${checkIns.length}/${PATIENTS}, ${inWindow} inside the first ${WINDOW_MS / 1000} s (last at ${(Math.max(0, ...checkIns) / 1000).toFixed(1)} s); ` +
      `admitted by the doctors: ${admitted}/${PATIENTS} (all done at ${surgeSeconds.toFixed(1)} s, patients at ${(patientsDoneAt / 1000).toFixed(1)} s)`,
  );
  const failedVisits = visits.filter((v) => v.status === "rejected").length;
  console.log(`  errors: ${recorder.errorCount} (patients who could not finish: ${failedVisits})`);
  for (const [what, count] of [...recorder.errors].sort((a, b) => b[1] - a[1])) console.log(`    ${String(count).padStart(5)} × ${what}`);
  if (recorder.errorCount > 0) {
    // What the server said of them (its unexpected errors are logged with their cause).
    const said = server.output().split("\n").filter((line) => /error|exception|failed/i.test(line));
    for (const line of said.slice(0, 20)) console.log(`    server: ${line.slice(0, 400)}`);
  }
  console.log(
    `  live connections: peak ${recorder.livePeak} held at once by the bench (${PATIENTS} room WebSockets + ${DOCTORS} event streams wanted), ` +
      `${liveAfter} still open at the end; the server's port then had ${serverSide} established TCP connections (live and idle keep-alive)`,
  );
  console.log(`  server RSS, all its processes together: ${rssBefore.toFixed(0)} MiB before the surge, peak ${peakMiB.toFixed(0)} MiB (sampled every 250 ms)`);
  const waits = recorder.lined.map((l) => l.admittedAt - l.arrivedAt);
  // Out of order: let in more than 2 s after someone who arrived more than 2 s later.
  const byArrival = [...recorder.lined].sort((a, b) => a.arrivedAt - b.arrivedAt);
  let laterAdmitted = Infinity;
  let outOfOrder = 0;
  for (let i = byArrival.length - 1; i >= 0; i--) {
    const l = byArrival[i]!;
    if (l.admittedAt > laterAdmitted + 2_000) outOfOrder++;
    if (i > 0 && byArrival[i - 1]!.arrivedAt < l.arrivedAt - 2_000) laterAdmitted = Math.min(laterAdmitted, l.admittedAt);
  }
  console.log(
    `  arrival line: ${recorder.lined.length} people waited in line (${recorder.lineAnswers} line pages served); ` +
      (waits.length
        ? `wait p50 ${(percentile(waits, 50) / 1000).toFixed(1)} s, p99 ${(percentile(waits, 99) / 1000).toFixed(1)} s, longest ${(Math.max(...waits) / 1000).toFixed(1)} s; ` +
          `let in out of arrival order (by more than 2 s): ${outOfOrder}`
        : "nobody had to wait"),
  );
  const cores = (seconds: number) => (seconds / surgeSeconds).toFixed(2);
  const machineBusy = (cpu1.machine.busy - cpu0.machine.busy) / (cpu1.machine.total - cpu0.machine.total);
  console.log(
    `  CPU in cores over the surge (this machine has 2): server process ${cores(cpu1.server - cpu0.server)}, ` +
      `bench ${cores((cpu1.bench.user + cpu1.bench.system) / 1e6)}, whole machine ${(machineBusy * 2).toFixed(2)}; ` +
      `bench event-loop delay p99 ${ms(benchDelay.percentile(99) / 1e6)}`,
  );
  // The work a patient's morning costs the server, whatever the line made them wait: the steadier figure
  // to compare runs by on a machine whose other figures swing with its load.
  const serverSeconds = cpu1.server - cpu0.server;
  console.log(`  server CPU: ${serverSeconds.toFixed(0)} core-seconds in all, ${((serverSeconds * 1000) / PATIENTS).toFixed(1)} ms a patient (with the doctors' share)`);
  console.log(
    `  a static file every 250 ms during the surge (the server's responsiveness): p50 ${ms(percentile(probes, 50))}, ` +
      `p99 ${ms(percentile(probes, 99))}, max ${ms(Math.max(0, ...probes))}`,
  );
  const rate = (label: string, r: { perSecond: number; cpuMs: number }) =>
    console.log(`    ${label.padEnd(36)} ${r.perSecond.toFixed(0).padStart(5)} requests/s, server CPU ${ms(r.cpuMs)} each`);
  console.log(`  afterwards, 32 requests at a time for 5 s each, ${liveAfter} live connections still held:`);
  rate("GET /favicon.svg (static)", staticFile);
  rate("GET /appointments (patient's page)", page);
  rate("GET a room's data (one reload)", roomData);
  console.log(`    the static file is served ×${(staticFile.perSecond / page.perSecond).toFixed(1)} as fast as the patient's page`);
  const p99 = percentile(recorder.latencies.get("check-in")!, 99);
  const staticP99 = percentile(probes, 99);
  if (SCALE === 1) {
    const met = recorder.errorCount === 0 && inWindow === PATIENTS && p99 <= 250 && staticP99 <= 100 && peakMiB <= 1536;
    console.log(
      `  target — 0 errors, every check-in inside the minute, p99 check-in ≤ 250 ms, p99 static ≤ 100 ms, peak RSS ≤ 1.5 GiB: ` +
        `${met ? "met" : "NOT met"} (errors ${recorder.errorCount}, check-ins in the minute ${inWindow}/${PATIENTS}, p99 check-in ${ms(p99)}, p99 static ${ms(staticP99)}, peak ${peakMiB.toFixed(0)} MiB)`,
    );
  } else {
    const met = recorder.errorCount === 0 && checkIns.length === PATIENTS;
    console.log(
      `  target at ×${SCALE} — no time-out, reset or 5xx; whoever is not served at once waits in line and every patient checks in: ` +
        `${met ? "met" : "NOT met"} (errors ${recorder.errorCount}, check-ins ${checkIns.length}/${PATIENTS}, longest wait in line ${waits.length ? (Math.max(...waits) / 1000).toFixed(1) : 0} s)`,
    );
  }
}
