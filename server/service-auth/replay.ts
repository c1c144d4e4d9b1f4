import type { Redis } from "ioredis";

/** Remembers token ids until they expire, so a captured token cannot be sent twice. */
export interface ReplayGuard {
  /** True the first time `id` is seen within `ttlMs`, false after. */
  firstUse(id: string, ttlMs: number): Promise<boolean>;
}

/** One instance: an in-memory map swept as entries expire. */
export function memoryReplayGuard(): ReplayGuard {
  const seen = new Map<string, number>();
  return {
    async firstUse(id, ttlMs) {
      const now = Date.now();
      for (const [key, until] of seen) if (until <= now) seen.delete(key);
      if ((seen.get(id) ?? 0) > now) return false;
      seen.set(id, now + ttlMs);
      return true;
    },
  };
}

/** Several instances: SET NX with expiry in the shared Redis. */
export function redisReplayGuard(redis: Redis, prefix: string): ReplayGuard {
  return {
    async firstUse(id, ttlMs) {
      return (await redis.set(`${prefix}jti:${id}`, "1", "PX", Math.max(1, ttlMs), "NX")) === "OK";
    },
  };
}
