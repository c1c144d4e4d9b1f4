import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import type { KnownService, ServiceKey, ServiceRegistry } from "./registry.js";
import type { ReplayGuard } from "./replay.js";

/** `Ed25519` is RFC 9864's fully specified name for what RFC 8037 calls `EdDSA` with an Ed25519 key. */
const SERVICE_ALGORITHMS = ["EdDSA", "Ed25519", "ES256"];
/** The longest lifetime a service token may ask for. */
const MAX_LIFETIME_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 5;
/** RFC 9110's `Authorization: <scheme> <token68>`, the scheme matched case-insensitively (RFC 6750 names it `Bearer`). */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^([A-Za-z0-9!#$%&'*+.^_`|~-]{1,32})(?: |$)/;

export class ServiceAuthError extends Error {
  constructor(readonly reason: string) {
    super(`service token refused: ${reason}`);
    this.name = "ServiceAuthError";
  }
}

/** The token of an `Authorization: Bearer …` header; null without the header; a ServiceAuthError for any other scheme or shape. */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const token = BEARER.exec(authorization)?.[1];
  if (token) return token;
  const scheme = SCHEME.exec(authorization)?.[1];
  throw new ServiceAuthError(scheme && scheme.toLowerCase() !== "bearer" ? `authorization scheme ${scheme} is not Bearer` : "malformed Bearer credentials");
}

export interface ServiceTokenVerifier {
  verify(token: string): Promise<KnownService>;
}

/** Short, printable, and never more than a token's header or subject could say. */
const quoted = (value: unknown) => JSON.stringify(String(value).slice(0, 80));

/**
 * The keys a token may have been signed with: the one its `kid` names (the registry's `kid`
 * or the key's thumbprint), or every key of the service for a token without `kid`.
 */
function candidateKeys(service: KnownService, alg: string, kid: unknown): ServiceKey[] {
  const named = typeof kid === "string" ? service.keys.filter((key) => key.ids.has(kid)) : service.keys;
  if (named.length === 0) throw new ServiceAuthError(`no key ${quoted(kid)} registered for service ${service.name}`);
  const usable = named.filter((key) => key.algorithms.includes(alg));
  if (usable.length === 0) throw new ServiceAuthError(`algorithm ${alg} does not fit the key type registered for service ${service.name}`);
  return usable;
}

async function verifyWithAny(token: string, keys: ServiceKey[], alg: string, audience: string): Promise<JWTPayload> {
  for (const { key } of keys) {
    try {
      const { payload } = await jwtVerify(token, key, {
        audience,
        algorithms: [alg],
        requiredClaims: ["sub", "aud", "iat", "exp", "jti"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof errors.JWTExpired) throw new ServiceAuthError("expired");
      if (error instanceof errors.JWTClaimValidationFailed) throw new ServiceAuthError(`claim ${error.claim} invalid (${error.reason})`);
      throw new ServiceAuthError(error instanceof Error ? error.message : "invalid token");
    }
  }
  throw new ServiceAuthError("bad signature");
}

export function serviceTokenVerifier(registry: ServiceRegistry, audience: string, replay: ReplayGuard): ServiceTokenVerifier {
  return {
    async verify(token) {
      let header: ReturnType<typeof decodeProtectedHeader>;
      let claims: ReturnType<typeof decodeJwt>;
      try {
        header = decodeProtectedHeader(token);
        claims = decodeJwt(token);
      } catch {
        throw new ServiceAuthError("malformed token");
      }
      const alg = header.alg;
      if (!alg || !SERVICE_ALGORITHMS.includes(alg)) throw new ServiceAuthError(`algorithm ${alg === undefined ? "missing" : quoted(alg)} not accepted`);
      const name = typeof claims.sub === "string" && claims.sub.startsWith("service:") ? claims.sub.slice("service:".length) : undefined;
      const service = name ? registry.get(name) : undefined;
      if (!service) throw new ServiceAuthError(`unknown service ${quoted(claims.sub)}`);

      const payload = await verifyWithAny(token, candidateKeys(service, alg, header.kid), alg, audience);
      const now = Math.floor(Date.now() / 1000);
      if (payload.iat! > now + CLOCK_TOLERANCE_SECONDS) throw new ServiceAuthError("issued in the future");
      if (payload.exp! - payload.iat! > MAX_LIFETIME_SECONDS) throw new ServiceAuthError(`lifetime over ${MAX_LIFETIME_SECONDS}s`);
      const ttlMs = (payload.exp! - now + CLOCK_TOLERANCE_SECONDS) * 1000;
      if (!(await replay.firstUse(`${service.name}:${payload.jti}`, ttlMs))) throw new ServiceAuthError("replayed jti");
      return service;
    },
  };
}
