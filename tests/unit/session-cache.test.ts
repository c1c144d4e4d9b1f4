import { describe, expect, it } from "vitest";
import type { AuthSession } from "../../server/auth/auth.js";
import { SessionCache } from "../../server/session-fast-path/session-cache.js";

const later = new Date(Date.now() + 3_600_000);

function sessionOf(token: string, userId: string, impersonatedBy: string | null = null): AuthSession {
  return {
    user: { id: userId },
    session: { id: `s-${token}`, token, userId, expiresAt: later, createdAt: new Date(), impersonatedBy },
  } as unknown as AuthSession;
}

function filled(count: number, maxEntries = count) {
  const cache = new SessionCache({ ttlMs: 60_000, maxEntries });
  cache.up();
  for (let i = 0; i < count; i++) cache.set(`t${i}.sig`, sessionOf(`t${i}`, `u${i % 100}`), cache.mark());
  return cache;
}

describe("the session cache", () => {
  it("drops exactly one user's entries on a change to that user", () => {
    const cache = filled(1000);
    cache.apply({ kind: "user", id: "u7" });
    for (let i = 0; i < 1000; i++) {
      const hit = cache.get(`t${i}.sig`);
      if (i % 100 === 7) expect(hit).toBeUndefined();
      else expect(hit?.user.id).toBe(`u${i % 100}`);
    }
  });

  it("drops an impersonation when the admin behind it changes", () => {
    const cache = filled(0, 10);
    cache.set("imp.sig", sessionOf("imp", "target", "admin-1"), cache.mark());
    cache.apply({ kind: "user", id: "admin-1" });
    expect(cache.get("imp.sig")).toBeUndefined();
  });

  it("keeps its index to what it holds as entries are evicted, replaced and cleared", () => {
    const cache = filled(500, 50);
    // Only the newest 50 remain; a change to a user of an evicted entry touches nothing else.
    expect(cache.get("t0.sig")).toBeUndefined();
    expect(cache.get("t499.sig")?.user.id).toBe("u99");
    cache.set("t499.sig", sessionOf("t499", "u99"), cache.mark());
    cache.apply({ kind: "user", id: "u0" });
    expect(cache.get("t499.sig")?.user.id).toBe("u99");
    expect(cache.indexedUsers()).toBe(50);
    cache.apply({ kind: "user", id: "u99" });
    expect(cache.get("t499.sig")).toBeUndefined();
    expect(cache.indexedUsers()).toBe(49);
    cache.down();
    expect(cache.indexedUsers()).toBe(0);
  });

  it("files a session only under its own token", () => {
    const cache = filled(0, 10);
    cache.set("forged.sig", sessionOf("real", "u1"), cache.mark());
    expect(cache.get("forged.sig")).toBeUndefined();
  });
});
