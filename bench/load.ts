// Runs one autocannon case in its own process (so the load generator is not the server)
// and prints its summary as JSON. Input: a JSON file holding the case, path in argv[2].
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  /** Rotated one per request: e.g. a different user's cookie each time. */
  headers: Record<string, string>[];
  bodies?: string[];
}

export interface LoadCase {
  url: string;
  /** Each connection sends these in turn, round and round. */
  requests: RequestSpec[];
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
  statusCodes: Record<string, number>;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as LoadCase;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  requests: spec.requests.map((template) => {
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
  }),
});
const summary: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  total: result.requests.total,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0])),
};
console.log(JSON.stringify(summary));
