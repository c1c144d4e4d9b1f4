import { readFileSync } from "node:fs";
import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import { z } from "zod";

const SERVICE_PERMISSIONS = ["users:read", "sessions:introspect", "sessions:revoke"] as const;
export type ServicePermission = (typeof SERVICE_PERMISSIONS)[number];

const publicJwk = z
  .object({ kty: z.enum(["OKP", "EC"]), crv: z.enum(["Ed25519", "P-256"]), x: z.string(), y: z.string().optional(), kid: z.string().min(1).optional() })
  .loose()
  .refine((jwk) => !("d" in jwk), "must be a public key (no 'd')");

const registrySchema = z.object({
  services: z.record(
    z.string().regex(/^[a-z0-9-]{1,64}$/, "service names are lower-case letters, digits and dashes"),
    z.object({
      /** Two keys at once during a rotation; removing the old one stops it. */
      keys: z.array(publicJwk).min(1).max(5),
      permissions: z.array(z.enum(SERVICE_PERMISSIONS)),
    }),
  ),
});

/**
 * The JWS `alg` names each registry key verifies. Ed25519 keys answer to both `EdDSA` (RFC 8037)
 * and its fully specified name `Ed25519` (RFC 9864).
 */
const ALGORITHMS_BY_CURVE = { Ed25519: ["EdDSA", "Ed25519"], "P-256": ["ES256"] } as const;

export interface ServiceKey {
  /** The ids a token's `kid` may name this key by: its own `kid` if the registry gives one, and always its RFC 7638 thumbprint. */
  ids: ReadonlySet<string>;
  algorithms: readonly string[];
  key: CryptoKey;
}

export interface KnownService {
  name: string;
  permissions: ReadonlySet<ServicePermission>;
  keys: readonly ServiceKey[];
}

export type ServiceRegistry = ReadonlyMap<string, KnownService>;

async function serviceKey(jwk: JWK & { crv: keyof typeof ALGORITHMS_BY_CURVE }): Promise<ServiceKey> {
  const algorithms = ALGORITHMS_BY_CURVE[jwk.crv];
  // Our own algorithm check decides which names a key answers to, not the key's `alg` member.
  const { alg: _alg, kid, ...material } = jwk;
  const thumbprint = await calculateJwkThumbprint(material);
  const key = (await importJWK(material, algorithms[0])) as CryptoKey;
  return { ids: new Set(kid ? [kid, thumbprint] : [thumbprint]), algorithms, key };
}

/** Reads SERVICES_JSON (inline) or SERVICES_FILE (a path); neither → no service may call. */
export async function loadServiceRegistry(source: { json?: string; file?: string }): Promise<ServiceRegistry> {
  const text = source.json ?? (source.file ? readFileSync(source.file, "utf8") : undefined);
  if (!text) return new Map();
  const parsed = registrySchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Invalid service registry: ${z.prettifyError(parsed.error)}`);
  const entries = await Promise.all(
    Object.entries(parsed.data.services).map(async ([name, service]): Promise<[string, KnownService]> => {
      const keys = await Promise.all(service.keys.map((jwk) => serviceKey(jwk as JWK & { crv: keyof typeof ALGORITHMS_BY_CURVE })));
      return [name, { name, permissions: new Set(service.permissions), keys }];
    }),
  );
  return new Map(entries);
}
