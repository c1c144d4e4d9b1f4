import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { KnownService, ServiceRegistry } from "./registry.js";
import type { ReplayGuard } from "./replay.js";

export const SERVICE_ALGORITHMS = ["EdDSA", "ES256"];
/** The longest lifetime a service token may ask for. */
export const MAX_LIFETIME_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 5;

export class ServiceAuthError extends Error {
  constructor(readonly reason: string) {
    super(`service token refused: ${reason}`);
    this.name = "ServiceAuthError";
  }
}

export interface ServiceTokenVerifier {
  verify(token: string): Promise<KnownService>;
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
      if (!header.alg || !SERVICE_ALGORITHMS.includes(header.alg)) throw new ServiceAuthError(`algorithm ${header.alg ?? "missing"} not accepted`);
      const name = typeof claims.sub === "string" && claims.sub.startsWith("service:") ? claims.sub.slice("service:".length) : undefined;
      const service = name ? registry.get(name) : undefined;
      if (!service) throw new ServiceAuthError(`unknown service ${String(claims.sub)}`);

      let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
      try {
        ({ payload } = await jwtVerify(token, service.keys, {
          audience,
          algorithms: SERVICE_ALGORITHMS,
          requiredClaims: ["sub", "aud", "iat", "exp", "jti"],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new ServiceAuthError("expired");
        if (error instanceof errors.JWTClaimValidationFailed) throw new ServiceAuthError(`claim ${error.claim} invalid (${error.reason})`);
        if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
          throw new ServiceAuthError("bad signature or unknown key");
        }
        throw new ServiceAuthError(error instanceof Error ? error.message : "invalid token");
      }
      const now = Math.floor(Date.now() / 1000);
      if (payload.iat! > now + CLOCK_TOLERANCE_SECONDS) throw new ServiceAuthError("issued in the future");
      if (payload.exp! - payload.iat! > MAX_LIFETIME_SECONDS) throw new ServiceAuthError(`lifetime over ${MAX_LIFETIME_SECONDS}s`);
      const ttlMs = (payload.exp! - now + CLOCK_TOLERANCE_SECONDS) * 1000;
      if (!(await replay.firstUse(`${service.name}:${payload.jti}`, ttlMs))) throw new ServiceAuthError("replayed jti");
      return service;
    },
  };
}
