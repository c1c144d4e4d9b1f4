import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs `npm run keyway -- <args>` (the CLI) as its own process with the given environment, `input` on its stdin. */
export async function runCli(args: string[], env: Record<string, string>, input = "") {
  const child = run(process.execPath, ["--import", "tsx", "server/cli.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 60_000,
  });
  child.child.stdin?.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}
