import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./helpers/server.js";

const run = promisify(execFile);
const npm = (args: string[], cwd: string) => run("npm", args, { cwd, timeout: 240_000, env: process.env });
const versionOf = (name: string) => JSON.parse(readFileSync(join("node_modules", name, "package.json"), "utf8")).version as string;

/** Uses inputs and outputs of several procedures, the error helpers, and the session events. */
const CONSUMER = `
import { createClient, fieldErrors, isUnauthorized, type RouterInputs, type RouterOutputs, type Session } from "@keyway/sdk";

const keyway = createClient({ baseUrl: process.env.KEYWAY_URL ?? "" });
const changes: Array<Session | null> = [];
keyway.onSessionChange((session) => changes.push(session));

const email = \`consumer-\${Date.now()}@example.com\`;
const signUp = await keyway.auth.signUp.email({ email, password: "correct horse battery", name: "Consumer" });
if (signUp.error) throw new Error(signUp.error.message);

const me: RouterOutputs["me"]["get"] = await keyway.api.me.get.query();
const joined: Date = me.createdAt;
const update: RouterInputs["settings"]["update"] = { theme: "dark" };
const [settings, sessions] = await Promise.all([keyway.api.settings.update.mutate(update), keyway.api.sessions.list.query()]);
const theme: "system" | "light" | "dark" = settings.theme;
const project: RouterInputs["projects"]["create"] = { name: "Typed" };

let refused: string[] = [];
try {
  await keyway.api.settings.update.mutate({ locale: "" });
} catch (error) {
  refused = Object.keys(fieldErrors(error));
}
await keyway.signOut();
let unauthorized = false;
try {
  await keyway.api.me.get.query();
} catch (error) {
  unauthorized = isUnauthorized(error);
}
console.log(JSON.stringify({
  email: me.email, joinedIsDate: joined instanceof Date, theme, currentSessions: sessions.filter((s) => s.current).length,
  projectName: project.name, refused, unauthorized, changes: changes.map((session) => session?.user.email ?? null),
}));
`;

/** The same SDK from a CommonJS TypeScript file. */
const CONSUMER_CJS = `
import { createClient, type RouterOutputs } from "@keyway/sdk";
export async function health(baseUrl: string): Promise<RouterOutputs["health"]> {
  return createClient({ baseUrl }).api.health.query();
}
`;

const WRONG = `
import { createClient } from "@keyway/sdk";
const keyway = createClient({ baseUrl: "http://127.0.0.1:3000" });
await keyway.api.settings.update.mutate({ theme: "purple" });
const email: number = (await keyway.api.me.get.query()).email;
`;

const CJS_SCRIPT = `
const { createClient } = require("@keyway/sdk");
const c = createClient({ baseUrl: process.env.KEYWAY_URL });
c.api.health.query().then((health) => console.log(JSON.stringify(health)));
`;

const tsconfig = (files: string[], emit: boolean) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022", "ESNext.Disposable", "DOM", "DOM.Iterable"],
      types: ["node"],
      jsx: "react-jsx",
      ...(emit ? { outDir: "out" } : { noEmit: true }),
    },
    files,
  });

/** The ```ts and ```tsx blocks of sdk/README.md, in order. */
const readmeBlocks = () =>
  [...readFileSync("sdk/README.md", "utf8").matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map(([, language, code]) => ({ language: language!, code: code! }));

let server: TestServer;
let project: string;
const tsc = (configFile: string) =>
  run(process.execPath, [join(project, "node_modules/typescript/bin/tsc"), "-p", configFile], { cwd: project }).then(
    () => ({ code: 0, output: "" }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );

beforeAll(async () => {
  server = await startServer();
  project = mkdtempSync(join(tmpdir(), "keyway-sdk-consumer-"));
  await npm(["run", "build", "-w", "sdk"], process.cwd());
  await npm(["pack", "-w", "sdk", "--pack-destination", project], process.cwd());
  const tarball = readdirSync(project).find((name) => name.endsWith(".tgz"))!;
  const sdk = JSON.parse(readFileSync("sdk/package.json", "utf8"));
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: { "@keyway/sdk": `file:./${tarball}`, ...sdk.peerDependencies },
      devDependencies: { typescript: versionOf("typescript"), "@types/node": versionOf("@types/node"), "@types/react": versionOf("@types/react") },
    }),
  );
  await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], project);
}, 400_000);
afterAll(async () => {
  await server?.close();
  rmSync(project, { recursive: true, force: true });
});

describe("the packed SDK in a project outside the repo", () => {
  it("asks for the same tRPC and superjson the server runs", () => {
    const root = JSON.parse(readFileSync("package.json", "utf8"));
    const { peerDependencies } = JSON.parse(readFileSync("sdk/package.json", "utf8"));
    const serverUses = { ...root.devDependencies, ...root.dependencies };
    for (const name of ["@trpc/client", "@trpc/server", "superjson"]) expect(peerDependencies[name], name).toBe(serverUses[name]);
    expect(peerDependencies["@trpc/server"]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("ships declarations that import only its peers", () => {
    const dist = join(project, "node_modules/@keyway/sdk/dist");
    const imports = (file: string) => [...readFileSync(join(dist, file), "utf8").matchAll(/(?:from|import)\s+['"]([^'"]+)['"]/g)].map(([, name]) => name!);
    expect(new Set([...imports("index.d.ts"), ...imports("index.d.cts")])).toEqual(new Set(["@trpc/client", "@trpc/server"]));
    const react = new Set([...imports("react.d.ts"), ...imports("react.d.cts")]);
    const allowed = ["react", "@tanstack/react-query", "@trpc/tanstack-react-query", "@trpc/client", "@trpc/server", "./index.js", "./index.cjs"];
    expect([...react].filter((name) => !allowed.includes(name))).toEqual([]);
  });

  it("type-checks a consumer and the README's examples with skipLibCheck false, and refuses a wrong input and output", async () => {
    const blocks = readmeBlocks();
    expect(blocks.map((block) => block.language)).toEqual(["ts", "ts", "ts", "tsx", "ts"]);
    const readmeFiles = blocks.map((block, index) => `readme-${index}.${block.language}`);
    blocks.forEach((block, index) => writeFileSync(join(project, readmeFiles[index]!), block.code));
    writeFileSync(join(project, "consumer.ts"), CONSUMER);
    writeFileSync(join(project, "tsconfig.json"), tsconfig(["consumer.ts", ...readmeFiles], true));
    expect(await tsc("tsconfig.json")).toEqual({ code: 0, output: "" });

    // The README's first block is the ES-module fix for tRPC's ws declarations: the wrong file gets it too.
    writeFileSync(join(project, "wrong.ts"), WRONG);
    writeFileSync(join(project, "tsconfig.wrong.json"), tsconfig(["wrong.ts", readmeFiles[0]!], false));
    const wrong = await tsc("tsconfig.wrong.json");
    expect(wrong.output).toMatch(/wrong\.ts\(4,\d+\): error TS2322: Type '"purple"' is not assignable/);
    expect(wrong.output).toMatch(/wrong\.ts\(5,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(wrong.output.match(/error TS/g)).toHaveLength(2);
  });

  it("type-checks from a CommonJS TypeScript file without the fix", async () => {
    writeFileSync(join(project, "consumer.cts"), CONSUMER_CJS);
    writeFileSync(join(project, "tsconfig.cjs.json"), tsconfig(["consumer.cts"], false));
    expect(await tsc("tsconfig.cjs.json")).toEqual({ code: 0, output: "" });
  });

  it("runs the compiled consumer against a live server", async () => {
    const { stdout } = await run(process.execPath, ["out/consumer.js"], { cwd: project, env: { ...process.env, KEYWAY_URL: server.url } });
    const email = expect.stringMatching(/^consumer-\d+@example\.com$/);
    expect(JSON.parse(stdout)).toEqual({
      email,
      joinedIsDate: true,
      theme: "dark",
      currentSessions: 1,
      projectName: "Typed",
      refused: ["locale"],
      unauthorized: true,
      changes: [email, null],
    });
  });

  it("loads with require() too", async () => {
    writeFileSync(join(project, "script.cjs"), CJS_SCRIPT);
    const { stdout } = await run(process.execPath, ["script.cjs"], { cwd: project, env: { ...process.env, KEYWAY_URL: server.url } });
    expect(JSON.parse(stdout)).toEqual({ status: "ok" });
  });
});
