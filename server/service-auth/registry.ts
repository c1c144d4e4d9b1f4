import { readFileSync } from "node:fs";
import { calculateJwkThumbprint, createLocalJWKSet, type JWK } from "jose";
import { z } from "zod";

export const SERVICE_PERMISSIONS = ["users:read", "sessions:introspect", "sessions:revoke"] as const;
export type ServicePermission = (typeof SERVICE_PERMISSIONS)[number];

const publicJwk = z
  .object({ kty: z.enum(["OKP", "EC"]), crv: z.enum(["Ed25519", "P-256"]), x: z.string(), y: z.string().optional(), kid: z.string().optional() })
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

export interface KnownService {
  name: string;
  permissions: ReadonlySet<ServicePermission>;
  keys: ReturnType<typeof createLocalJWKSet>;
}

export type ServiceRegistry = ReadonlyMap<string, KnownService>;

/**
 * Reads SERVICES_JSON (inline) or SERVICES_FILE (a path); neither → no service may call.
 * A key without `kid` gets its RFC 7638 thumbprint, which is also what the SDK sends.
 */
export async function loadServiceRegistry(source: { json?: string; file?: string }): Promise<ServiceRegistry> {
  const text = source.json ?? (source.file ? readFileSync(source.file, "utf8") : undefined);
  if (!text) return new Map();
  const parsed = registrySchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Invalid service registry: ${z.prettifyError(parsed.error)}`);
  const entries = await Promise.all(
    Object.entries(parsed.data.services).map(async ([name, service]): Promise<[string, KnownService]> => {
      const keys = await Promise.all(
        (service.keys as JWK[]).map(async (key) => ({ ...key, kid: key.kid ?? (await calculateJwkThumbprint(key)) })),
      );
      return [name, { name, permissions: new Set(service.permissions), keys: createLocalJWKSet({ keys }) }];
    }),
  );
  return new Map(entries);
}
