import { type Algorithm, hash, parseOptions, verify } from "@node-rs/argon2";
import { verifyPassword as verifyScrypt } from "better-auth/crypto";

/**
 * Argon2id with 32 MiB and two passes: above OWASP's minimum (19 MiB, t=2, p=1), and the same
 * memory per guess as the scrypt it replaces (Better Auth's N=16384, r=16: 128·N·r = 32 MiB).
 * @node-rs/argon2 hashes on the libuv pool, like scrypt did: the event loop never waits for it.
 */
const ARGON2ID_PARAMETERS = {
  algorithm: 2 satisfies Algorithm.Argon2id,
  memoryCost: 32 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

const ARGON2ID_PREFIX = "$argon2id$";

/** "é" typed as one code point or as e + combining accent is one password, as Better Auth's scrypt had it. */
const normalized = (password: string) => password.normalize("NFKC");

export const hashPassword = (password: string) => hash(normalized(password), ARGON2ID_PARAMETERS);

/** Argon2 hashes (PHC strings) and Better Auth's earlier scrypt hashes (`salt:key`) both verify. */
export async function verifyPassword({ hash: stored, password }: { hash: string; password: string }) {
  if (stored.startsWith("$argon2")) return verify(stored, normalized(password));
  return verifyScrypt({ hash: stored, password });
}

/** A stored hash that is not Argon2id at today's parameters or stronger is replaced at the next sign-in. */
export function needsRehash(stored: string) {
  if (!stored.startsWith(ARGON2ID_PREFIX)) return true;
  const used = parseOptions(stored);
  return used.memoryCost < ARGON2ID_PARAMETERS.memoryCost || used.timeCost < ARGON2ID_PARAMETERS.timeCost;
}
