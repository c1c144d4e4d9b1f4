import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./helpers/server.js";

/**
 * Every ```sh verbatim block of README.md and docs/*.md, run as it stands with bash against a
 * real server: a file's blocks in order, in one directory of their own (their cookie jar), with
 * only KEYWAY_URL pointing at the server. Each must exit 0 and print, in order, a line matching
 * each of its `# → …` lines (`…` stands for anything).
 */
const root = new URL("../", import.meta.url).pathname;
const files = ["README.md", ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];
const BLOCK = /^```sh verbatim\n([\s\S]*?)^```$/gm;

const blocksOf = (file: string) => [...readFileSync(join(root, file), "utf8").matchAll(BLOCK)].map((match) => match[1]!);
const documented = files.map((file) => ({ file, blocks: blocksOf(file) })).filter(({ blocks }) => blocks.length > 0);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The `# → …` lines of a block as patterns for whole lines of output. */
const expectations = (block: string) =>
  block
    .split("\n")
    .filter((line) => line.startsWith("# → "))
    .map((line) => new RegExp(`^${line.slice("# → ".length).split("…").map(escape).join(".*")}$`));

function bash(script: string, cwd: string, url: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile("bash", ["-euo", "pipefail", "-c", script], { cwd, env: { ...process.env, KEYWAY_URL: url } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it("finds the documented shell examples", () => {
  expect(documented.map(({ file }) => file)).toContain("docs/api.md");
  expect(documented.reduce((sum, { blocks }) => sum + blocks.length, 0)).toBeGreaterThanOrEqual(6);
});

for (const { file, blocks } of documented) {
  describe(file, () => {
    let server: TestServer;
    let dir: string;
    beforeAll(async () => {
      server = await startServer();
      dir = mkdtempSync(join(tmpdir(), "keyway-docs-"));
    });
    afterAll(async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    blocks.forEach((block, index) => {
      it(`block ${index + 1} runs and prints what the doc says`, async () => {
        const { code, stdout, stderr } = await bash(block, dir, server.url);
        expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
        const lines = stdout.split("\n");
        let from = 0;
        for (const pattern of expectations(block)) {
          const at = lines.findIndex((line, i) => i >= from && pattern.test(line));
          expect(at, `no line after line ${from} matches ${pattern.source} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
          from = at + 1;
        }
      });
    });
  });
}
