import type { AuthChange } from "./auth-change.js";

/**
 * How far behind the change feed an instance may fall, plus the clock skew between instances,
 * before its own heartbeat declares the feed lost (a beat every 2 s must be back by the next).
 * A cookie is vouched for only when its data is younger than a change by more than this.
 */
export const FEED_LAG_MS = 10_000;

/** Above this many changes within the window the registry forgets them and vouches for nothing until the window has passed. */
const MAX_CHANGES = 100_000;

/**
 * The session and user rows the database announced as changed (see the keyway_auth triggers),
 * remembered for as long as a cookie written before the change can live. The cookie cache's
 * `version` check asks it whether a cookie's data can still be current without reading the
 * database; when it cannot tell (feed down or recently back, a change to this session or user
 * since the data was read), the check goes to the database.
 */
export class RecentChanges {
  /** Key → when the change was received (epoch ms), oldest first. */
  private readonly changedAt = new Map<string, number>();
  /** When everything must be assumed changed: the feed came up, went down, or sent what we cannot read. */
  private everythingAt = Date.now();
  private live = false;
  private readonly windowMs: number;

  /** `cookieMaxAgeSeconds`: how long Better Auth trusts a session-data cookie. */
  constructor(cookieMaxAgeSeconds: number) {
    this.windowMs = cookieMaxAgeSeconds * 1000 + FEED_LAG_MS;
  }

  apply(change: AuthChange): void {
    if (change.kind === "marker") return;
    if (change.kind === "session" && change.token) this.note(`session:${change.token}`);
    else if (change.kind === "user" && change.id) this.note(`user:${change.id}`);
    else this.forgetAll();
  }

  up(): void {
    this.live = true;
    this.forgetAll();
  }

  down(): void {
    this.live = false;
    this.forgetAll();
  }

  /**
   * Whether no change to the session `token` or to any of `userIds` can have been missed by
   * data read at `readAt` (the session row's updatedAt: the data was read from that row or later).
   */
  vouchesFor(token: string, userIds: string[], readAt: number): boolean {
    if (!this.live || !Number.isFinite(readAt)) return false;
    const now = Date.now();
    this.prune(now);
    const newer = (changedAt: number) => now - changedAt > this.windowMs || readAt > changedAt + FEED_LAG_MS;
    if (!newer(this.everythingAt)) return false;
    for (const key of [`session:${token}`, ...userIds.map((id) => `user:${id}`)]) {
      const changedAt = this.changedAt.get(key);
      if (changedAt !== undefined && !newer(changedAt)) return false;
    }
    return true;
  }

  private note(key: string): void {
    if (this.changedAt.size >= MAX_CHANGES) return this.forgetAll();
    // Re-inserted so that the map stays in order of arrival.
    this.changedAt.delete(key);
    this.changedAt.set(key, Date.now());
  }

  private forgetAll(): void {
    this.everythingAt = Date.now();
    this.changedAt.clear();
  }

  private prune(now: number): void {
    for (const [key, changedAt] of this.changedAt) {
      if (now - changedAt <= this.windowMs) break;
      this.changedAt.delete(key);
    }
  }
}
