/**
 * The packed SDK as a team outside the repository gets it: `npm pack`, then scratch projects
 * that install the tarball from the registry with no lockfile (so what the registry serves
 * today is what is tested), compile with `strict` and `skipLibCheck: false` under NodeNext as
 * ES module and as CommonJS and under `moduleResolution: bundler`, and run against a live server.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/server-process.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { FLOW, type ModuleSetting, tsconfig, WRONG } from "./consumers.js";

const run = promisify(execFile);
const versionOf = (name: string) => JSON.parse(readFileSync(join("node_modules", name, "package.json"), "utf8")).version as string;

/** The ```ts and ```tsx blocks of sdk/README.md, in order. */
export const readmeBlocks = () =>
  [...readFileSync("sdk/README.md", "utf8").matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map(([, language, code], index) => ({
    file: `readme-${index}.${language}`,
    code: code!,
    /** Blocks that take the server's address from KEYWAY_URL are run, not only compiled. */
    runnable: code!.includes("process.env.KEYWAY_URL"),
  }));

let server: TestServer;
let scratch: string;
const projects = {} as Record<ModuleSetting, string>;

/** One scratch project: its package.json, then a plain `npm install` (no lockfile, no cache preference). */
async function createProject(setting: ModuleSetting, tarball: string) {
  const dir = join(scratch, setting);
  mkdirSync(dir);
  const dependencies: Record<string, string> = { "@keyway/sdk": `file:${tarball}` };
  // The React app needs only React besides the SDK.
  if (setting === "esm") dependencies.react = "^19";
  // A team that installed tRPC itself at the version the SDK once pinned (npm saves `^`).
  if (setting === "bundler") Object.assign(dependencies, { "@trpc/client": "^11.22.1", "@trpc/server": "^11.22.1" });
  const devDependencies = { typescript: versionOf("typescript"), "@types/node": versionOf("@types/node"), "@types/react": "^19" };
  const type = setting === "cjs" ? "commonjs" : "module";
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${setting}`, private: true, type, dependencies, devDependencies }));
  await run("npm", ["install", "--no-package-lock", "--no-audit", "--no-fund"], { cwd: dir, timeout: 300_000 });
  projects[setting] = dir;
}

const tsc = (setting: ModuleSetting, config: string) =>
  run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", config], { cwd: projects[setting] }).then(
    () => ({ code: 0, output: "" }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );

const node = (setting: ModuleSetting, file: string, url: string) =>
  run(process.execPath, [file], { cwd: projects[setting], env: { ...process.env, KEYWAY_URL: url } }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

const installed = (setting: ModuleSetting, name: string) =>
  JSON.parse(readFileSync(join(projects[setting], "node_modules", name, "package.json"), "utf8")).version as string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "keyway-sdk-packages-"));
  const [started] = await Promise.all([
    startServer(),
    run("npm", ["run", "build", "-w", "sdk"], { timeout: 600_000 }).then(() =>
      run("npm", ["pack", "-w", "sdk", "--pack-destination", scratch], { timeout: 120_000 }),
    ),
  ]);
  server = started;
  const tarball = join(scratch, readdirSync(scratch).find((name) => name.endsWith(".tgz"))!);
  await Promise.all((["esm", "cjs", "bundler"] as const).map((setting) => createProject(setting, tarball)));
});
afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the packed SDK, installed from the registry without a lockfile", () => {
  it("brings tRPC's client and server as one pair, and needs no ws types", () => {
    for (const setting of ["esm", "cjs", "bundler"] as const) {
      expect(installed(setting, "@trpc/client"), setting).toBe(installed(setting, "@trpc/server"));
    }
    const dist = join(projects.esm, "node_modules/@keyway/sdk/dist");
    const declarations = readdirSync(dist).filter((name) => /\.d\.c?ts$/.test(name));
    const imported = new Set(
      declarations.flatMap((file) => [...readFileSync(join(dist, file), "utf8").matchAll(/(?:from|import)\s+['"]([^'"]+)['"]/g)].map(([, name]) => name!)),
    );
    const outside = [...imported].filter((name) => !name.startsWith("./"));
    expect(outside.filter((name) => !/^(@trpc\/server(\/observable|\/unstable-core-do-not-import)?|react|@tanstack\/react-query)$/.test(name))).toEqual([]);
  });

  it("compiles an ES-module consumer, the README's examples and a React app", async () => {
    const blocks = readmeBlocks();
    for (const block of blocks) writeFileSync(join(projects.esm, block.file), block.code);
    writeFileSync(join(projects.esm, "flow.ts"), FLOW);
    writeFileSync(join(projects.esm, "tsconfig.json"), tsconfig("esm", ["flow.ts", ...blocks.map((block) => block.file)]));
    expect(await tsc("esm", "tsconfig.json")).toEqual({ code: 0, output: "" });
  });

  it("refuses a wrong input and a wrong output type", async () => {
    writeFileSync(join(projects.esm, "wrong.ts"), WRONG);
    writeFileSync(join(projects.esm, "tsconfig.wrong.json"), tsconfig("esm", ["wrong.ts"]));
    const wrong = await tsc("esm", "tsconfig.wrong.json");
    expect(wrong.output).toMatch(/wrong\.ts\(4,\d+\): error TS2322: Type '"purple"' is not assignable/);
    expect(wrong.output).toMatch(/wrong\.ts\(5,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(wrong.output.match(/error TS/g)).toHaveLength(2);
  });

  it("compiles a CommonJS consumer", async () => {
    writeFileSync(join(projects.cjs, "flow.ts"), FLOW);
    writeFileSync(join(projects.cjs, "tsconfig.json"), tsconfig("cjs", ["flow.ts"]));
    expect(await tsc("cjs", "tsconfig.json")).toEqual({ code: 0, output: "" });
    expect(readFileSync(join(projects.cjs, "out/flow.js"), "utf8")).toContain('require("@keyway/sdk")');
  });

  it("compiles under moduleResolution bundler, beside the team's own tRPC", async () => {
    const blocks = readmeBlocks().filter((block) => block.file.endsWith(".ts"));
    for (const block of blocks) writeFileSync(join(projects.bundler, block.file), block.code);
    writeFileSync(join(projects.bundler, "flow.ts"), FLOW);
    writeFileSync(join(projects.bundler, "tsconfig.json"), tsconfig("bundler", ["flow.ts", ...blocks.map((block) => block.file)]));
    expect(await tsc("bundler", "tsconfig.json")).toEqual({ code: 0, output: "" });
  });

  it("runs the README's error example against the server, then against a stopped port", async () => {
    const runnable = readmeBlocks().filter((block) => block.runnable);
    expect(runnable.map((block) => block.code)).toEqual([expect.stringContaining("function explain(error: KeywayError)")]);
    const compiled = `out/${runnable[0]!.file.replace(/\.ts$/, ".js")}`;
    const up = await node("esm", compiled, server.url);
    expect(up).toMatchObject({ code: 0, stderr: "" });
    expect(up.stdout.trim().split("\n")).toEqual(["sign-in: INVALID_EMAIL_OR_PASSWORD 401: please sign in", "me.get: UNAUTHORIZED 401: please sign in"]);
    const down = await node("esm", compiled, `http://127.0.0.1:${await freePort()}`);
    expect(down).toMatchObject({ code: 0, stderr: "" });
    expect(down.stdout.trim().split("\n")).toEqual([
      "sign-in: NETWORK_ERROR 0: keyway could not be reached: try again",
      "me.get: NETWORK_ERROR 0: keyway could not be reached: try again",
    ]);
  });

  it.each(["esm", "cjs", "bundler"] as const)("signs up, signs in, calls a query and signs out (%s)", async (setting) => {
    const result = await node(setting, "out/flow.js", server.url);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({ email: true, joinedIsDate: true, afterSignOut: "unauthorized" });
  });
});
