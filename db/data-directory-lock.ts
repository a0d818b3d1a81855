/**
 * One process per embedded database directory. PGlite takes no lock of its own, and two processes on one
 * directory corrupt it ("unexpected data beyond EOF in block 0 of relation …"). The process that opens
 * the directory writes `<directory>.lock` beside it, holding its pid; another process finds it and
 * refuses, naming that pid. A lock left behind by a process that died without closing (SIGKILL, a power
 * cut) holds nothing: its pid is no longer running, or is running as another process (checked against
 * the process's start time where /proc tells it), and the lock is taken over.
 */
import { hostname } from "node:os";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";

type Holder = { pid: number; host: string; started: string | null };

export class DatabaseInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly holder: Holder,
  ) {
    const where = holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
    super(
      `The embedded database ${directory} is in use by ${where}: one server per data directory ` +
        `(two would corrupt it). Stop that server first, or give this one another PGLITE_DIR. ` +
        `If that process is not a Yunzhen server, delete ${directory}.lock.`,
    );
    this.name = "DatabaseInUseError";
  }
}

/** Directories this process holds: opening one twice in one process is refused too. */
const held = new Set<string>();

/**
 * Takes the lock of `directory` (an absolute path) for this process, or throws `DatabaseInUseError`.
 * Returns the function that gives it back; it is also given back when the process exits.
 */
export function lockDataDirectory(directory: string): () => void {
  const lockPath = `${directory}.lock`;
  const me: Holder = { pid: process.pid, host: hostname(), started: startTimeOf(process.pid) };
  if (held.has(directory)) throw new DatabaseInUseError(directory, me);
  const mine = JSON.stringify(me);
  // Written whole to a file of our own, then linked into place: the link fails if a lock exists, and a
  // reader never sees a half-written one.
  const draft = `${lockPath}.${process.pid}.draft`;
  writeFileSync(draft, mine);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 5) throw error;
      }
      const text = readOrNull(lockPath);
      if (text === null) continue; // given back meanwhile
      const holder = parse(text);
      if (holder && isRunning(holder)) throw new DatabaseInUseError(directory, holder);
      // Stale. Move it aside — only one process can move a given file — and drop it only if it is the
      // one judged stale; a lock some other process took meanwhile goes back.
      const aside = `${lockPath}.${process.pid}.stale`;
      try {
        renameSync(lockPath, aside);
      } catch {
        continue;
      }
      if (readOrNull(aside) !== text) {
        try {
          linkSync(aside, lockPath);
        } catch {
          // a third process took it in between: the next attempt looks at that one
        }
      }
      unlinkSync(aside);
    }
  } finally {
    unlinkSync(draft);
  }
  held.add(directory);
  const release = () => {
    if (!held.delete(directory)) return;
    process.removeListener("exit", release);
    // Only our own lock: never one another process took over after ours was judged stale.
    if (readOrNull(lockPath) === mine) unlinkSync(lockPath);
  };
  process.on("exit", release);
  return release;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function parse(text: string): Holder | null {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return null;
    return { pid: value.pid, host: value.host, started: typeof value.started === "string" ? value.started : null };
  } catch {
    return null;
  }
}

/** Whether the holder still runs. A lock from another machine (a shared disk) cannot be checked: it holds. */
function isRunning(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  // Our own pid in a lock we do not hold: a previous life of this container, say.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // The pid runs: the same process only if it started when the holder did.
  return holder.started === null || startTimeOf(holder.pid) === holder.started;
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where Linux tells it. */
function startTimeOf(pid: number): string | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}
