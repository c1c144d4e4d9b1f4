import { redisStorage } from "@better-auth/redis-storage";
import type { BetterAuthRateLimitOptions } from "better-auth";
import type { Redis } from "ioredis";
import { DependencyUnavailableError } from "../http/errors.js";

type RateLimitStorage = NonNullable<BetterAuthRateLimitOptions["customStorage"]>;

/**
 * Better Auth's rate-limit counters in Redis, and nothing else there: sessions stay in
 * PostgreSQL alone, so no Redis copy (a restored snapshot, a lagging replica) can vouch for one.
 * A Redis that does not answer fails the request with 503 rather than letting it through unlimited.
 */
export function redisRateLimits(client: Redis, keyPrefix: string): RateLimitStorage {
  const counters = redisStorage({ client, keyPrefix });
  return {
    async consume(key, rule) {
      let count: number;
      try {
        count = await counters.increment(key, rule.window);
      } catch (error) {
        throw new DependencyUnavailableError(error);
      }
      return count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: rule.window };
    },
  };
}
