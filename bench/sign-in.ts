// Sign-ins per second (Argon2id since issue 26) against raw scrypt hashing on the same libuv pool,
// as the hash every sign-in paid before: the target is at least twice the scrypt rate.
// It runs alone: `node --import tsx bench/sign-in.ts [--quick]` (bench/run.ts's signIn group has its own pair and target).
import { pathToFileURL } from "node:url";
import type { LoadResult, LoadWindow, RequestSpec } from "./load.js";
import { type BenchUser, PASSWORD, startBenchServer } from "./setup.js";

type Bench = Awaited<ReturnType<typeof startBenchServer>>;

export const SIGN_IN_CASE = "email sign-in (Argon2id)";
export const RAW_SCRYPT_CASE = "raw scrypt hashes (same pool)";
export const MIN_RATIO = 2;

export interface SignInSpeed {
  /** Each case's median window. */
  cases: Record<string, LoadResult>;
  target: { target: string; value: number; min: number; met: boolean };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Sign-in and raw-scrypt windows of `count` each, adjacent and in an order that reverses every
 * round; the target is the median of the per-round ratios.
 */
export async function signInSpeed(bench: Bench, users: BenchUser[], { count = 200, rounds = 5, connections = 10 } = {}): Promise<SignInSpeed> {
  const request: RequestSpec = {
    method: "POST",
    path: "/api/auth/sign-in/email",
    headers: [{ origin: bench.origin, "content-type": "application/json" }],
    bodies: users.map((user) => JSON.stringify({ email: user.email, password: PASSWORD })),
  };
  const signIn: LoadWindow = { count, requests: [request] };
  const scrypt: LoadWindow = { count, scrypt: true };
  const order = Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? [signIn, scrypt] : [scrypt, signIn])).flat();
  const results = await bench.load([{ count: 2 * connections, requests: [request] }, { count: 2 * connections, scrypt: true }, ...order], connections);
  const measured = results.slice(2);
  const signIns = measured.filter((_, i) => order[i] === signIn);
  const hashes = measured.filter((_, i) => order[i] === scrypt);
  const value = median(signIns.map((run, round) => run.requestsPerSecond / hashes[round]!.requestsPerSecond));
  const medianRun = (runs: LoadResult[]) => runs.toSorted((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(runs.length / 2)]!;
  return {
    cases: { [SIGN_IN_CASE]: medianRun(signIns), [RAW_SCRYPT_CASE]: medianRun(hashes) },
    target: { target: `sign-ins/s ≥ ${MIN_RATIO} × raw scrypt hashes/s`, value: Number(value.toFixed(3)), min: MIN_RATIO, met: value >= MIN_RATIO },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const quick = process.argv.includes("--quick");
  const bench = await startBenchServer();
  try {
    const users = await bench.signUp(quick ? 20 : 100);
    const { cases, target } = await signInSpeed(bench, users, quick ? { count: 40, rounds: 1 } : {});
    console.table(
      Object.entries(cases).map(([name, run]) => ({
        case: name,
        "per s": Math.round(run.requestsPerSecond),
        "p50 ms": run.p50,
        "p99 ms": run.p99,
        errors: run.errors + run.non2xx,
      })),
    );
    console.table([{ target: target.target, value: target.value, met: target.met ? "met" : "not met" }]);
    if (!quick && !target.met) process.exitCode = 1;
  } finally {
    await bench.stop();
  }
}
