import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.js";
import { buildApp } from "../server/app.js";
import { loadConfig } from "../server/config.js";
import { readEnvFile } from "../server/env/env-file.js";
import { PRODUCTION_NODE_FLAGS, startServerProcess } from "./helpers/server-process.js";
import { startServer, type TestServer } from "./helpers/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const scratch = mkdtempSync(join(tmpdir(), "keyway-conventions-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a .env file", () => {
  it("is read at start when present, and the environment wins over it", async () => {
    const dir = mkdtempSync(join(scratch, "env-"));
    writeFileSync(join(dir, ".env"), "# local settings\nMETRICS_PORT=0\nPORT=1\nAPP_NAME='from the file'\n");
    const tsx = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
    const main = fileURLToPath(new URL("../server/main.ts", import.meta.url));
    const server = await startServerProcess({ DATA_DIR: "memory://" }, [...PRODUCTION_NODE_FLAGS, "--import", tsx, main], dir);
    try {
      // PORT=1 in the file lost to the environment's PORT: the server answers there.
      const config = await fetch(`${server.url}/api/auth-config`);
      expect(config.status).toBe(200);
      const lines = server
        .output()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; variables?: string[]; url?: string });
      const read = lines.find((line) => line.msg.startsWith("read .env"));
      expect(read?.variables?.toSorted()).toEqual(["APP_NAME", "METRICS_PORT"]);
      // METRICS_PORT came from the file alone: the metrics listener is up.
      const metricsUrl = lines.find((line) => line.msg === "metrics listening")?.url;
      expect((await fetch(String(metricsUrl))).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("adds only what the environment lacks, and a missing file adds nothing", () => {
    const dir = mkdtempSync(join(scratch, "unit-"));
    const path = join(dir, ".env");
    writeFileSync(path, 'LOG_LEVEL=debug\nAPP_NAME="Acme ID"\nexport_ME=1\n');
    const env: Record<string, string | undefined> = { LOG_LEVEL: "warn" };
    expect(readEnvFile(env, path).toSorted()).toEqual(["APP_NAME", "export_ME"]);
    expect(env).toEqual({ LOG_LEVEL: "warn", APP_NAME: "Acme ID", export_ME: "1" });
    expect(readEnvFile(env, join(dir, "absent.env"))).toEqual([]);
  });
});

describe("log format", () => {
  it("defaults to readable lines in development and JSON elsewhere, unless LOG_FORMAT says", () => {
    expect(loadConfig({}).logFormat).toBe("pretty");
    expect(loadConfig({ NODE_ENV: "test" }).logFormat).toBe("json");
    expect(loadConfig({ LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
  });

  it("writes readable lines, with the request id, in development", async () => {
    const config = loadConfig({ NODE_ENV: "development", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", DATA_DIR: "memory://" });
    const database = await openDatabase({ dataDir: config.dataDir });
    await database.migrate();
    const lines: string[] = [];
    const app = await buildApp({ config, database, logStream: { write: (line) => void lines.push(line) } });
    try {
      const address = await app.listen({ host: "127.0.0.1", port: 0 });
      const response = await fetch(`${address}/health`);
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(UUID);
      for (let waited = 0; !lines.some((line) => line.includes("request completed")) && waited < 100; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const completed = lines.find((line) => line.includes("request completed"));
      expect(completed).toBeDefined();
      expect(completed).toContain(`reqId: "${id}"`);
      expect(() => JSON.parse(completed!)).toThrow();
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe("x-request-id", () => {
  let direct: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    direct = await startServer();
    proxied = await startServer({ TRUST_PROXY: "true" });
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  const linesOf = (server: TestServer, id: string) => server.logs().filter((line) => line.reqId === id);

  it("is on every response, and on that request's log lines", async () => {
    for (const path of ["/health", "/no-such-route", "/trpc/me.get", "/api/session"]) {
      const response = await fetch(`${direct.url}${path}`);
      const id = response.headers.get("x-request-id");
      expect(id, path).toMatch(UUID);
      expect(linesOf(direct, id!).map((line) => line.msg)).toEqual(expect.arrayContaining(["incoming request", "request completed"]));
    }
  });

  it("ignores the caller's id unless a proxy is trusted", async () => {
    const response = await fetch(`${direct.url}/health`, { headers: { "x-request-id": "spoofed-by-client" } });
    expect(response.headers.get("x-request-id")).toMatch(UUID);
    expect(linesOf(direct, "spoofed-by-client")).toEqual([]);
  });

  it("carries a trusted proxy's id into the response and the log lines", async () => {
    const response = await fetch(`${proxied.url}/health`, { headers: { "x-request-id": "edge-7f3a.9:1" } });
    expect(response.headers.get("x-request-id")).toBe("edge-7f3a.9:1");
    expect(linesOf(proxied, "edge-7f3a.9:1").length).toBeGreaterThanOrEqual(2);
  });

  it("replaces a proxy's id that is too long or holds other characters", async () => {
    for (const sent of ["x".repeat(129), "has space", "quote\"d", "semi;colon"]) {
      const response = await fetch(`${proxied.url}/health`, { headers: { "x-request-id": sent } });
      expect(response.headers.get("x-request-id"), sent).toMatch(UUID);
      expect(linesOf(proxied, sent)).toEqual([]);
    }
  });
});
