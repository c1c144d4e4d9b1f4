import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./helpers/server.js";

const run = promisify(execFile);
const npm = (args: string[], cwd: string) => run("npm", args, { cwd, timeout: 180_000, env: process.env });

const rootPeers = async () => {
  const { stdout } = await run(process.execPath, ["-p", "JSON.stringify(require('./sdk/package.json').peerDependencies)"]);
  return JSON.parse(stdout) as Record<string, string>;
};

const ESM_SCRIPT = `
import { createClient } from "@keyway/sdk";
const c = createClient({ baseUrl: process.env.KEYWAY_URL });
const email = "outside-" + Date.now() + "@example.com";
await c.auth.signUp.email({ email, password: "correct horse battery", name: "Outsider" });
await c.auth.signOut();
const signIn = await c.auth.signIn.email({ email, password: "correct horse battery" });
if (signIn.error) throw new Error(signIn.error.message);
const me = await c.api.me.get.query();
const [health, current, settings] = await Promise.all([c.api.health.query(), c.api.session.get.query(), c.api.settings.get.query()]);
console.log(JSON.stringify({ email: me.email, health, sameUser: current.user.id === me.id, settings, createdAtIsDate: me.createdAt instanceof Date }));
`;

const CJS_SCRIPT = `
const { createClient } = require("@keyway/sdk");
const c = createClient({ baseUrl: process.env.KEYWAY_URL });
c.api.health.query().then((health) => console.log(JSON.stringify(health)));
`;

let server: TestServer;
let project: string;
beforeAll(async () => {
  server = await startServer();
  project = mkdtempSync(join(tmpdir(), "keyway-sdk-consumer-"));
  await npm(["run", "build", "-w", "sdk"], process.cwd());
  await npm(["pack", "-w", "sdk", "--pack-destination", project], process.cwd());
  const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"))!;
  const peers = await rootPeers();
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { "@keyway/sdk": `file:./${tarball}`, ...peers } }),
  );
  await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
}, 300_000);
afterAll(async () => {
  await server?.close();
  rmSync(project, { recursive: true, force: true });
});

describe("the packed SDK in a Node project outside the repo", () => {
  it("signs in and makes typed, batched calls from an ES module script", async () => {
    writeFileSync(join(project, "script.mjs"), ESM_SCRIPT);
    const { stdout } = await run(process.execPath, ["script.mjs"], { cwd: project, env: { ...process.env, KEYWAY_URL: server.url } });
    expect(JSON.parse(stdout)).toEqual({
      email: expect.stringMatching(/^outside-\d+@example\.com$/),
      health: { status: "ok" },
      sameUser: true,
      settings: { theme: "system", locale: "en", timeZone: "UTC" },
      createdAtIsDate: true,
    });
  });

  it("loads with require() too", async () => {
    writeFileSync(join(project, "script.cjs"), CJS_SCRIPT);
    const { stdout } = await run(process.execPath, ["script.cjs"], { cwd: project, env: { ...process.env, KEYWAY_URL: server.url } });
    expect(JSON.parse(stdout)).toEqual({ status: "ok" });
  });
});
