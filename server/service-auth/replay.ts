import type { Db } from "../../db/client.js";
import { serviceTokenUse } from "../../db/schema/index.js";

/** Remembers token ids until they expire, so a captured token cannot be sent twice. */
export interface ReplayGuard {
  /** True the first time `id` is seen within `ttlMs`, false after. */
  firstUse(id: string, ttlMs: number): Promise<boolean>;
}

/**
 * Used ids are rows in the database every instance shares, so a token is single-use across
 * instances and restarts, with or without Redis. The insert that lands is the first use.
 */
export function databaseReplayGuard(db: Db): ReplayGuard {
  return {
    async firstUse(id, ttlMs) {
      const inserted = await db
        .insert(serviceTokenUse)
        .values({ id, expiresAt: new Date(Date.now() + Math.max(1, ttlMs)) })
        .onConflictDoNothing({ target: serviceTokenUse.id })
        .returning({ id: serviceTokenUse.id });
      return inserted.length === 1;
    },
  };
}
