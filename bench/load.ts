// Runs load windows back to back in one process (so the load generator is not the server, and
// no process starts between two windows being compared) and prints one summary per window as
// JSON. A window is either autocannon against the server or, as the ceiling for sign-ins, raw
// password hashing on this process's libuv pool. Input: a JSON file holding the plan, argv[2].
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { hashPassword } from "better-auth/crypto";

export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  /** Rotated one per request: e.g. a different user's cookie each time. */
  headers: Record<string, string>[];
  bodies?: string[];
}

/**
 * Each connection sends `requests` in turn, round and round, for `seconds` or until `count` are
 * answered; or, with `scrypt`, `count` passwords are hashed. A window of `count` leaves no request
 * behind on the server when it ends, so it does not slow the window after it.
 */
export type LoadWindow = HttpWindow | { count: number; scrypt: true };

export type HttpWindow = ({ seconds: number } | { count: number }) & {
  requests: RequestSpec[];
  /** Another server than the plan's. */
  url?: string;
  /** Other than the plan's number of connections. */
  connections?: number;
  /** Load sent meanwhile on connections of its own, from before this window starts to after it ends; not recorded. */
  alongside?: { requests: RequestSpec[]; connections: number };
};

export interface LoadPlan {
  url: string;
  connections: number;
  windows: LoadWindow[];
}

export interface LoadResult {
  /** Answered requests (or hashes) divided by the time from the window's start to the last answer. */
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** What the window's `alongside` load sent meanwhile. */
  alongside?: { total: number; errors: number; non2xx: number };
}

const requestsOf = (specs: RequestSpec[]) =>
  specs.map((template) => {
    let next = 0;
    return {
      method: template.method,
      path: template.path,
      setupRequest(request: autocannon.Request) {
        const index = next++;
        request.headers = { ...request.headers, ...template.headers[index % template.headers.length] };
        if (template.bodies) request.body = template.bodies[index % template.bodies.length];
        return request;
      },
    };
  });

async function http(plan: LoadPlan, window: HttpWindow): Promise<LoadResult> {
  const url = window.url ?? plan.url;
  let backgroundDone: ((result: autocannon.Result) => void) | undefined;
  const backgroundResult = new Promise<autocannon.Result>((resolve) => (backgroundDone = resolve));
  const background = window.alongside
    ? autocannon(
        { url, connections: window.alongside.connections, duration: 3600, requests: requestsOf(window.alongside.requests) },
        (_, result) => backgroundDone!(result),
      )
    : undefined;
  // The background load reaches its steady rate before the measured window starts.
  if (background) await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  let lastAnswer = started;
  const options: autocannon.Options = {
    url,
    connections: window.connections ?? plan.connections,
    ...("count" in window ? { amount: window.count } : { duration: window.seconds }),
    requests: requestsOf(window.requests),
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    // autocannon itself ends a window only on its one-second tick.
    instance.on("response", () => (lastAnswer = performance.now()));
  });
  let alongside: LoadResult["alongside"];
  if (background) {
    background.stop();
    const other = await backgroundResult;
    alongside = { total: other.requests.total, errors: other.errors + other.timeouts, non2xx: other.non2xx };
  }
  return {
    // A window nobody answered has no last answer to time it by.
    requestsPerSecond: result.requests.total === 0 ? 0 : result.requests.total / ((lastAnswer - started) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0])),
    alongside,
  };
}

/** Two hashes in flight per pool thread, as sign-ins queue on the server. */
async function scrypt(count: number): Promise<LoadResult> {
  const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const started = performance.now();
  let begun = 0;
  await Promise.all(
    Array.from({ length: pool * 2 }, async () => {
      while (begun < count) {
        begun++;
        await hashPassword("correct horse battery staple");
      }
    }),
  );
  const requestsPerSecond = count / ((performance.now() - started) / 1000);
  return { requestsPerSecond, p50: 0, p99: 0, total: count, errors: 0, non2xx: 0, statusCodes: {} };
}

const plan = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadPlan;
const results: LoadResult[] = [];
for (const window of plan.windows) {
  results.push("scrypt" in window ? await scrypt(window.count) : await http(plan, window));
}
console.log(JSON.stringify(results));
