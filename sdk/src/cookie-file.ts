import { CookieJar } from "tough-cookie";

type NodeFs = typeof import("node:fs");
// Loaded only when a cookie file is asked for, so browser bundles never see node:fs.
const fs = () => (process as unknown as { getBuiltinModule(id: string): NodeFs }).getBuiltinModule("node:fs");

/** The jar saved in `path`, or an empty one if there is no such file yet. */
export function loadCookieJar(path: string): CookieJar {
  try {
    return CookieJar.deserializeSync(fs().readFileSync(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new CookieJar();
    throw error;
  }
}

/** Writes the jar to `path`, readable by its owner only: it holds a session. */
export function saveCookieJar(jar: CookieJar, path: string) {
  fs().writeFileSync(path, JSON.stringify(jar.serializeSync()), { mode: 0o600 });
  fs().chmodSync(path, 0o600); // `mode` applies only when the file is created
}
