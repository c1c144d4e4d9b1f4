import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { calculateJwkThumbprint, importJWK, SignJWT } from "jose";
import superjson from "superjson";
import type { AppRouter } from "./router-types.js";

/** A private key as a JSON Web Key: OKP Ed25519 or EC P-256, with its private part `d`. */
export interface PrivateJwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  kid?: string;
  alg?: string;
}

export interface ServiceClientOptions {
  /** Where keyway is served. */
  baseUrl: string;
  /** This service's name as registered in keyway (the token's subject is `service:<name>`). */
  service: string;
  /** This service's private key. */
  privateKey: PrivateJwk;
  /** "EdDSA" (default) or "ES256". */
  algorithm?: "EdDSA" | "ES256";
  /** The key's id as registered (default: the RFC 7638 thumbprint of a JWK private key). */
  keyId?: string;
  /** keyway's service id (default "service:keyway"). */
  audience?: string;
  /** Token lifetime in seconds, at most 300 (default 60). */
  lifetimeSeconds?: number;
  fetch?: typeof fetch;
}

/**
 * A typed client for keyway's `service` router, for other backends. Every HTTP request
 * carries a freshly signed short-lived token: keyway refuses a token id it has seen.
 * Calls that carry a secret are mutations (`sessions.introspect.mutate({ token })`), so the
 * secret travels in the POST body and never in a URL.
 */
export function createServiceClient(options: ServiceClientOptions) {
  const algorithm = options.algorithm ?? "EdDSA";
  const key = importJWK(options.privateKey, algorithm);
  const keyId = options.keyId ? Promise.resolve(options.keyId) : calculateJwkThumbprint(options.privateKey);
  const lifetime = Math.min(options.lifetimeSeconds ?? 60, 300);

  const mint = async () =>
    new SignJWT({})
      .setProtectedHeader({ alg: algorithm, typ: "JWT", kid: await keyId })
      .setSubject(`service:${options.service}`)
      .setAudience(options.audience ?? "service:keyway")
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`)
      .setJti(crypto.randomUUID())
      .sign(await key);

  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.baseUrl.replace(/\/+$/, "")}/trpc`,
        transformer: superjson,
        headers: async () => ({ authorization: `Bearer ${await mint()}` }),
        fetch: options.fetch,
      }),
    ],
  }).service;
}
