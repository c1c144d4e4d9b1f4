import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, preview } from "vite";
import { createPostgresDatabase } from "../../../../tests/helpers/database.js";
import { freePort, type ServerProcess, startServerProcess } from "../../../../tests/helpers/server-process.js";

export interface LocalhostStack {
  /** The API's origin on `localhost`, e.g. http://localhost:41234 (it listens on 127.0.0.1). */
  apiUrl: string;
  /** The built web app's origin, another port of `localhost`. */
  webUrl: string;
  databaseUrl: string;
  /** The API's environment, for the CLI. */
  env: Record<string, string>;
  api: ServerProcess;
  stop(): Promise<void>;
}

const webRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The API and the built web app as the shared stack runs them, but named `localhost`: WebAuthn
 * refuses IP addresses as relying-party IDs, so passkeys cannot work on 127.0.0.1. PostgreSQL,
 * so the CLI can run beside the server.
 */
export async function startLocalhostStack(extraEnv: Record<string, string> = {}): Promise<LocalhostStack> {
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const apiUrl = `http://localhost:${apiPort}`;
  const webUrl = `http://localhost:${webPort}`;
  const database = await createPostgresDatabase();
  const env: Record<string, string> = {
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    PORT: String(apiPort),
    BETTER_AUTH_URL: apiUrl,
    TRUSTED_ORIGINS: webUrl,
    BETTER_AUTH_SECRET: "passkey-test-secret-passkey-test-secret-0123",
    DATABASE_URL: database.url,
    LOG_LEVEL: "info",
    SHUTDOWN_DRAIN_MS: "0",
    ...extraEnv,
  };
  const webDist = mkdtempSync(join(tmpdir(), "keyway-web-localhost-"));
  let api: ServerProcess | undefined;
  let web: Awaited<ReturnType<typeof preview>> | undefined;
  const stop = async () => {
    await web?.close();
    await api?.stop();
    await database.drop();
    rmSync(webDist, { recursive: true, force: true });
  };
  try {
    api = await startServerProcess(env);
    process.env.VITE_KEYWAY_URL = apiUrl;
    await build({ root: webRoot, logLevel: "warn", build: { outDir: webDist, emptyOutDir: true, chunkSizeWarningLimit: 2048 } });
    web = await preview({ root: webRoot, logLevel: "warn", build: { outDir: webDist }, preview: { host: "127.0.0.1", port: webPort, strictPort: true } });
    return { apiUrl, webUrl, databaseUrl: database.url, env, api, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
