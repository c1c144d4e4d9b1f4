/**
 * `npm run web`: the API on http://localhost:3000 and this app's dev server on
 * http://localhost:5173, two origins as in production, with the API trusting the app's origin
 * (TRUSTED_ORIGINS: CORS with credentials, CSRF allowlist). Ctrl-C stops both.
 *
 * API_PORT and WEB_PORT move them; every other variable (DATABASE_URL, GITHUB_CLIENT_ID…) is
 * passed to the API as `npm start` would take it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const webRoot = fileURLToPath(new URL("..", import.meta.url));
const apiPort = Number(process.env.API_PORT ?? 3000);
const webPort = Number(process.env.WEB_PORT ?? 5173);
// One host name for both, so the session cookie is same-site (SameSite=Lax) for the app.
const apiUrl = `http://localhost:${apiPort}`;
const webUrl = `http://localhost:${webPort}`;

// The command `npm start` runs, with the two origins wired together.
const api: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
  cwd: repoRoot,
  stdio: "inherit",
  env: {
    UV_THREADPOOL_SIZE: String(availableParallelism()),
    ...process.env,
    PORT: String(apiPort),
    BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? apiUrl,
    TRUSTED_ORIGINS: process.env.TRUSTED_ORIGINS ?? webUrl,
  },
});

process.env.VITE_KEYWAY_URL ??= apiUrl;
const web = await createServer({ root: webRoot, server: { port: webPort, strictPort: true } });
await web.listen();
console.log(`\n  keyway API  ${apiUrl}  (TRUSTED_ORIGINS=${process.env.TRUSTED_ORIGINS ?? webUrl})`);
console.log(`  web app     ${webUrl}  (VITE_KEYWAY_URL=${process.env.VITE_KEYWAY_URL})\n`);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await web.close();
  if (api.exitCode === null && api.signalCode === null) {
    const exited = once(api, "exit");
    api.kill("SIGTERM");
    await exited;
  }
  process.exit(code);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
api.on("exit", (code) => {
  if (!stopping) {
    console.error(`the API stopped (exit code ${code}); stopping the web app`);
    void stop(code ?? 1);
  }
});
