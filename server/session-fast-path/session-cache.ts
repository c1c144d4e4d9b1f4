import { LRUCache } from "lru-cache";
import type { AuthSession } from "../auth/auth.js";
import type { AuthChange } from "./auth-change.js";

export interface SessionCacheOptions {
  /** How long an entry may be served without asking Better Auth again; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  /** Told of every lookup, whether it hit (for metrics). */
  onLookup?: (hit: boolean) => void;
}

interface Entry {
  /** The whole signed cookie value: a cookie with another signature never hits. */
  signedToken: string;
  session: AuthSession;
  /** Epoch ms: the end of the entry's time to live, or the session's expiry if sooner. */
  validUntil: number;
}

/**
 * Sessions this instance has read from Better Auth, keyed by session token. Entries are
 * dropped when the database announces a change to their session or user row, and the
 * whole cache is off while those announcements cannot be received.
 */
export class SessionCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  /** Tokens cached per user id (the session's own user and, for an impersonation, the admin). */
  private readonly byUser = new Map<string, Set<string>>();
  private readonly ttlMs: number;
  private live = false;
  private epoch = 0;

  constructor(private readonly options: SessionCacheOptions) {
    this.ttlMs = options.ttlMs;
    // Expiry is checked here rather than by lru-cache's ttl, whose clock costs a timer per read.
    this.entries =
      options.ttlMs > 0
        ? new LRUCache<string, Entry>({ max: options.maxEntries, dispose: (entry, token) => this.unindex(entry, token) })
        : undefined;
  }

  get(signedToken: string): AuthSession | undefined {
    const session = this.lookup(signedToken);
    this.options.onLookup?.(session !== undefined);
    return session;
  }

  private lookup(signedToken: string): AuthSession | undefined {
    if (!this.live || !this.entries) return undefined;
    const token = tokenOf(signedToken);
    const entry = this.entries.get(token);
    if (!entry || entry.signedToken !== signedToken) return undefined;
    if (entry.validUntil <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.session;
  }

  /** A marker to pass to `set`: a change announced since then makes the read too old to keep. */
  mark(): number {
    return this.epoch;
  }

  set(signedToken: string, session: AuthSession, mark: number): void {
    if (!this.live || !this.entries || mark !== this.epoch) return;
    // Only ever file a session under its own token, whatever else the request carried.
    if (session.session.token !== tokenOf(signedToken)) return;
    const validUntil = Math.min(Date.now() + this.ttlMs, new Date(session.session.expiresAt).getTime());
    const token = tokenOf(signedToken);
    const entry = { signedToken, session, validUntil };
    this.entries.set(token, entry);
    for (const userId of usersOf(entry)) {
      let tokens = this.byUser.get(userId);
      if (!tokens) this.byUser.set(userId, (tokens = new Set()));
      tokens.add(token);
    }
  }

  /** Applies a change announced by the database (see the keyway_auth triggers). */
  apply(change: AuthChange): void {
    // Another instance's marker (see SessionReader.settle) changes nothing.
    if (change.kind === "marker") return;
    this.epoch++;
    if (!this.entries) return;
    if (change.kind === "session" && change.token) {
      this.entries.delete(change.token);
    } else if (change.kind === "user" && change.id) {
      for (const token of [...(this.byUser.get(change.id) ?? [])]) this.entries.delete(token);
    } else {
      this.entries.clear();
    }
  }

  private unindex(entry: Entry, token: string): void {
    for (const userId of usersOf(entry)) {
      const tokens = this.byUser.get(userId);
      tokens?.delete(token);
      if (tokens?.size === 0) this.byUser.delete(userId);
    }
  }

  /** How many users the index holds entries for: what a change to a user may touch. */
  indexedUsers(): number {
    return this.byUser.size;
  }

  /** Whether announcements are being received; the cache serves nothing while they are not. */
  get receiving(): boolean {
    return this.live;
  }

  up(): void {
    this.epoch++;
    this.live = true;
  }

  down(): void {
    this.epoch++;
    this.live = false;
    this.entries?.clear();
  }
}

function usersOf(entry: Entry): string[] {
  const { impersonatedBy } = entry.session.session as { impersonatedBy?: string | null };
  return impersonatedBy ? [entry.session.user.id, impersonatedBy] : [entry.session.user.id];
}

/** Better Auth signs the session cookie as `<token>.<signature>`. */
function tokenOf(signedToken: string): string {
  const dot = signedToken.lastIndexOf(".");
  return dot === -1 ? signedToken : signedToken.slice(0, dot);
}
