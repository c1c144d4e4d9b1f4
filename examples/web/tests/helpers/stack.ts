import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@keyway/sdk";
import { build, preview } from "vite";
import type { TestProject } from "vitest/node";
import { runCli } from "../../../../tests/helpers/cli.js";
import { PASSWORD, uniqueEmail } from "../../../../tests/helpers/clients.js";
import { createTestDatabase } from "../../../../tests/helpers/database.js";
import { freePort, type ServerProcess, startServerProcess } from "../../../../tests/helpers/server-process.js";

export interface Stack {
  /** The API's origin, e.g. http://127.0.0.1:41234. */
  apiUrl: string;
  /** The web app's origin: another port on the same host, listed in the API's TRUSTED_ORIGINS. */
  webUrl: string;
  /** A service admin, made with the CLI as the README says. */
  admin: { email: string; password: string; name: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: Stack;
  }
}

const webRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Starts the API as its own process (PostgreSQL when DATABASE_URL is set, else PGlite) and
 * the built web app on another port, as a frontend team deploys them: two origins on loopback.
 */
export default async function setup(project: TestProject) {
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const database = await createTestDatabase();
  const dataDir = database.url ? undefined : mkdtempSync(join(tmpdir(), "keyway-web-"));
  const env: Record<string, string> = {
    // development: the mail outbox route exists (the invitation test reads its link there)
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    TRUSTED_ORIGINS: webUrl,
    BETTER_AUTH_SECRET: "web-test-secret-web-test-secret-0123456789",
    LOG_LEVEL: "info",
    SHUTDOWN_DRAIN_MS: "0",
    // GitHub configured (never reached by these tests), so the sign-in page offers its button.
    GITHUB_CLIENT_ID: "web-test-github-client",
    GITHUB_CLIENT_SECRET: "web-test-github-secret",
    ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir! }),
  };

  let api: ServerProcess | undefined;
  const webDist = mkdtempSync(join(tmpdir(), "keyway-web-dist-"));
  const stop = async () => {
    await api?.stop();
    await database.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    rmSync(webDist, { recursive: true, force: true });
  };

  try {
    api = await startServerProcess(env);
    const admin = { email: uniqueEmail("admin"), password: PASSWORD, name: "Ada Admin" };
    const { error } = await createClient({ baseUrl: api.url }).auth.signUp.email(admin);
    if (error) throw new Error(`admin sign-up failed: ${error.message}`);
    // The embedded database is single-process: the CLI runs while the server is stopped.
    await api.stop();
    const promoted = await runCli(["users:set-role", admin.email, "admin"], env);
    if (promoted.code !== 0) throw new Error(`users:set-role failed: ${promoted.stderr}`);
    api = await startServerProcess(env);

    process.env.VITE_KEYWAY_URL = api.url;
    await build({ root: webRoot, logLevel: "warn", build: { outDir: webDist, emptyOutDir: true, chunkSizeWarningLimit: 2048 } });
    const web = await preview({ root: webRoot, logLevel: "warn", build: { outDir: webDist }, preview: { host: "127.0.0.1", port: webPort, strictPort: true } });

    project.provide("stack", { apiUrl: api.url, webUrl, admin });
    return async () => {
      await web.close();
      await stop();
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
