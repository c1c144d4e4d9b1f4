import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The process's log output so far (pino JSON lines at `info`). */
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The node flags of `npm start` and of the container (Dockerfile's CMD). */
export const PRODUCTION_NODE_FLAGS = ["--max-semi-space-size=64"];
/** `npm start`'s node arguments; the built artifact's are `[...PRODUCTION_NODE_FLAGS, "dist/server/main.js"]`. */
const DEV_SERVER_ARGS = [...PRODUCTION_NODE_FLAGS, "--import", "tsx", "server/main.ts"];

/** Starts `npm start`'s command (or node with `args`, in `cwd`) as its own process, on `env.PORT` or a free port. */
export async function startServerProcess(env: Record<string, string>, args = DEV_SERVER_ARGS, cwd?: string): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), BETTER_AUTH_URL: url, LOG_LEVEL: "info", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "inherit"],
    cwd,
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/ready`).then((response) => response.ok, () => false);
    if (ready) {
      return {
        url,
        child,
        output: () => output,
        async stop() {
          if (child.exitCode !== null) return child.exitCode;
          const exited = once(child, "exit");
          child.kill("SIGTERM");
          const [code] = await exited;
          return code as number | null;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill("SIGKILL");
  throw new Error("server did not become ready");
}
