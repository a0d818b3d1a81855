import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DatabaseInUseError, lockDataDirectory } from "~db/data-directory-lock";

const newDirectory = () => path.join(mkdtempSync(path.join(tmpdir(), "yunzhen-lock-unit-")), "pglite");
const writeLock = (directory: string, holder: { pid: number; host?: string; started?: string | null }) =>
  writeFileSync(`${directory}.lock`, JSON.stringify({ host: hostname(), started: null, ...holder }));

describe("the lock of an embedded database directory", () => {
  it("is written beside the directory with this process's pid, and removed when given back", () => {
    const directory = newDirectory();
    const release = lockDataDirectory(directory);
    expect(JSON.parse(readFileSync(`${directory}.lock`, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    release();
    expect(existsSync(`${directory}.lock`)).toBe(false);
  });

  it("refuses a directory that a running process holds, and names that process", () => {
    const directory = newDirectory();
    writeLock(directory, { pid: process.ppid });
    const refused = (() => {
      try {
        lockDataDirectory(directory);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    expect((refused as Error).message).toContain(`process ${process.ppid}`);
    expect((refused as Error).message).toContain(directory);
    expect(JSON.parse(readFileSync(`${directory}.lock`, "utf8")).pid).toBe(process.ppid);
  });

  it("refuses a second opening in the same process", () => {
    const directory = newDirectory();
    const release = lockDataDirectory(directory);
    expect(() => lockDataDirectory(directory)).toThrow(DatabaseInUseError);
    release();
  });

  it("takes over the lock of a process that is gone (killed without closing)", () => {
    const directory = newDirectory();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeLock(directory, { pid: gone });
    const release = lockDataDirectory(directory);
    expect(JSON.parse(readFileSync(`${directory}.lock`, "utf8")).pid).toBe(process.pid);
    release();
  });

  it.runIf(existsSync("/proc/self/stat"))("takes over a lock whose pid now belongs to a process started at another time", () => {
    const directory = newDirectory();
    writeLock(directory, { pid: process.ppid, started: "1" });
    const release = lockDataDirectory(directory);
    expect(JSON.parse(readFileSync(`${directory}.lock`, "utf8")).pid).toBe(process.pid);
    release();
  });

  it("takes over an unreadable lock", () => {
    const directory = newDirectory();
    writeFileSync(`${directory}.lock`, "");
    lockDataDirectory(directory)();
  });
});
