import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FEED_LAG_MS, RecentChanges } from "../../server/session-fast-path/recent-changes.js";
import { parseAuthChange } from "../../server/session-fast-path/auth-change.js";

const MAX_AGE_SECONDS = 300;
const WINDOW_MS = MAX_AGE_SECONDS * 1000 + FEED_LAG_MS;
const change = (kind: string, key: Record<string, string>) => parseAuthChange(JSON.stringify({ kind, ...key }));

/** A registry whose feed came up long enough ago to vouch for anything unchanged. */
function settled() {
  const changes = new RecentChanges(MAX_AGE_SECONDS);
  changes.up();
  vi.advanceTimersByTime(WINDOW_MS + 1);
  return changes;
}

describe("the record of recent session and user changes", () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") }));
  afterEach(() => vi.useRealTimers());

  it("vouches for nothing before its feed is up, nor while it is down", () => {
    const changes = new RecentChanges(MAX_AGE_SECONDS);
    vi.advanceTimersByTime(WINDOW_MS + 1);
    expect(changes.vouchesFor("t", ["u"], Date.now())).toBe(false);
    changes.up();
    vi.advanceTimersByTime(WINDOW_MS + 1);
    expect(changes.vouchesFor("t", ["u"], Date.now() - 60_000)).toBe(true);
    changes.down();
    expect(changes.vouchesFor("t", ["u"], Date.now())).toBe(false);
  });

  it("right after the feed came up, vouches only for data read well after it", () => {
    const changes = new RecentChanges(MAX_AGE_SECONDS);
    changes.up();
    const upAt = Date.now();
    vi.advanceTimersByTime(FEED_LAG_MS + 1_000);
    expect(changes.vouchesFor("t", ["u"], upAt - 1)).toBe(false);
    expect(changes.vouchesFor("t", ["u"], upAt + FEED_LAG_MS / 2)).toBe(false);
    expect(changes.vouchesFor("t", ["u"], upAt + FEED_LAG_MS + 1)).toBe(true);
  });

  it("refuses data read before a change to its session, its user or the admin impersonating it, until a cookie written before has expired", () => {
    const changes = settled();
    const readAt = Date.now() - 1_000;
    changes.apply(change("session", { token: "t1" }));
    changes.apply(change("user", { id: "u2" }));
    changes.apply(change("user", { id: "admin" }));
    expect(changes.vouchesFor("t1", ["u1"], readAt)).toBe(false);
    expect(changes.vouchesFor("t2", ["u2"], readAt)).toBe(false);
    expect(changes.vouchesFor("t3", ["u3", "admin"], readAt)).toBe(false);
    expect(changes.vouchesFor("t4", ["u4"], readAt)).toBe(true);
    // Data read after the change (with the lag to spare) is current.
    expect(changes.vouchesFor("t1", ["u1"], Date.now() + FEED_LAG_MS + 1)).toBe(true);
    vi.advanceTimersByTime(WINDOW_MS + 1);
    expect(changes.vouchesFor("t1", ["u1"], readAt)).toBe(true);
  });

  it("takes a change it cannot read for a change to everything, and ignores another instance's markers", () => {
    const changes = settled();
    const readAt = Date.now() - 1_000;
    changes.apply(change("marker", { id: "x" }));
    expect(changes.vouchesFor("t", ["u"], readAt)).toBe(true);
    changes.apply(parseAuthChange("not json"));
    expect(changes.vouchesFor("t", ["u"], readAt)).toBe(false);
  });

  it("forgets nothing quietly: past its limit it vouches for nothing until the window has passed", () => {
    const changes = settled();
    const readAt = Date.now() - 1_000;
    for (let i = 0; i < 100_000; i++) changes.apply(change("session", { token: `t${i}` }));
    expect(changes.vouchesFor("other", ["u"], readAt)).toBe(true);
    changes.apply(change("session", { token: "one-too-many" }));
    expect(changes.vouchesFor("other", ["u"], readAt)).toBe(false);
    vi.advanceTimersByTime(WINDOW_MS + 1);
    expect(changes.vouchesFor("t5", ["u"], readAt)).toBe(true);
  });
});
