// Runs one autocannon case in its own process (so the load generator is not the server)
// and prints its summary as JSON. Input: a JSON file holding the case, path in argv[2].
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadCase {
  url: string;
  method: "GET" | "POST";
  path: string;
  /** Rotated one per request: e.g. a different user's cookie each time. */
  headers: Record<string, string>[];
  bodies?: string[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  non2xx: number;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadCase;
let next = 0;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  requests: [
    {
      method: spec.method,
      path: spec.path,
      setupRequest(request) {
        const index = next++;
        request.headers = { ...request.headers, ...spec.headers[index % spec.headers.length] };
        if (spec.bodies) request.body = spec.bodies[index % spec.bodies.length];
        return request;
      },
    },
  ],
});
const summary: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  total: result.requests.total,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
};
console.log(JSON.stringify(summary));
