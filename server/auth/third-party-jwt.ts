import { type Jwk, jwt } from "better-auth/plugins";
import type { Db } from "../../db/client.js";
import { jwks } from "../../db/schema/index.js";
import type { Config } from "../config.js";
import { jwtClaims } from "./plugins/jwt-claims.js";

type JwtConfig = Config["jwt"];
type KeyRow = typeof jwks.$inferSelect;

/** Room for clocks that differ and for instances still signing with the old key during a rolling change. */
const GRACE_MARGIN_SECONDS = 5 * 60;
/**
 * "Expired already" for a key with no successor yet: earlier than any `now` the plugin took
 * before reading the keys, and well inside the grace period, so the key stays published.
 */
const JUST_RETIRED_MS = 60_000;
/** The algorithm Better Auth gave keys stored without one. */
const BETTER_AUTH_DEFAULT_ALGORITHM = "EdDSA";

/**
 * The stored keys as the jwt plugin should see them once JWT_ALGORITHM names another
 * algorithm: a key of another algorithm counts as expired from the moment a key of the
 * configured algorithm was made after it (or from just now, so the plugin makes one). The plugin
 * then signs only with the configured algorithm, and keeps the old key in the JWKS for its
 * grace period, which outlasts every token it signed. Nothing is written: instances that
 * still run the old setting keep signing with the old key, which stays published.
 */
function asConfigured(rows: KeyRow[], algorithm: string): KeyRow[] {
  const configured = rows.filter((row) => (row.alg ?? BETTER_AUTH_DEFAULT_ALGORITHM) === algorithm);
  return rows.map((row) => {
    if ((row.alg ?? BETTER_AUTH_DEFAULT_ALGORITHM) === algorithm) return row;
    const successor = configured.filter((next) => next.createdAt > row.createdAt).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    const retired = successor?.createdAt ?? new Date(Date.now() - JUST_RETIRED_MS);
    return { ...row, expiresAt: row.expiresAt && row.expiresAt < retired ? row.expiresAt : retired };
  });
}

/**
 * Short-lived JWTs for third parties (GET /api/auth/token), verifiable from GET /api/auth/jwks
 * alone: signed with JWT_ALGORITHM, a key rotated every JWT_KEY_ROTATION_DAYS, and a replaced
 * key published until the last token it signed has expired.
 */
export function thirdPartyJwt(config: Config, db: Db) {
  const { algorithm, expiresInSeconds, rotationSeconds }: JwtConfig = config.jwt;
  return jwt({
    // Tokens come from GET /api/auth/token alone: the plugin would otherwise read the keys and sign
    // a token on every session read (each session-cache miss) for a header nobody reads.
    disableSettingJwtHeader: true,
    jwt: { issuer: config.baseUrl, audience: config.baseUrl, expirationTime: `${expiresInSeconds}s`, definePayload: jwtClaims },
    jwks: {
      keyPairConfig: algorithm === "EdDSA" ? { alg: "EdDSA", crv: "Ed25519" } : { alg: algorithm },
      ...(rotationSeconds > 0 ? { rotationInterval: rotationSeconds } : {}),
      gracePeriod: expiresInSeconds + GRACE_MARGIN_SECONDS,
    },
    adapter: {
      // Stored keys carry the algorithm they were made for (Better Auth writes it).
      getJwks: async () => asConfigured(await db.select().from(jwks), algorithm) as Jwk[],
    },
  });
}
