import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A lock file holding its owner's pid, created atomically (O_EXCL). It is free once that process
 * is gone, however it died, and never taken from a live one, even a paused (SIGSTOP) one.
 */
export function lockDataDir(dir: string): () => Promise<void> {
  const path = `${dir}.pid`;
  if (held.has(path)) throw inUse(dir, process.pid);
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(path);
      return async () => {
        held.delete(path);
        if (ownerOf(path) === process.pid) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = ownerOf(path);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) break;
    if (owner === undefined && attempt === 0) continue; // being written by its creator this instant
    // Its owner is gone: move the stale file aside, and put it back if someone else's fresh lock was moved.
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = ownerOf(aside);
    if (moved !== undefined && moved !== owner && isAlive(moved)) {
      renameSync(aside, path);
      break;
    }
    unlinkSync(aside);
  }
  throw inUse(dir, ownerOf(path));
}

/** Locks this process holds: a file naming our own pid and not among them is a previous life's. */
const held = new Set<string>();

function inUse(dir: string, owner: number | undefined) {
  return new Error(
    `The embedded database in ${dir} is in use by another keyway process (pid ${owner ?? "unknown"}). Stop it first, or set DATABASE_URL to use PostgreSQL.`,
  );
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
