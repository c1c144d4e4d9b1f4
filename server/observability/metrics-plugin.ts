import { createServer } from "node:http";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import type { Metrics } from "./metrics.js";

export interface MetricsPluginOptions {
  metrics: Metrics;
  host: string;
  port: number;
}

/**
 * Counts every answered request under its route pattern (never the raw URL, whose ids and
 * tokens would explode the label set) and serves GET /metrics on a listener of its own.
 */
const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { metrics, host, port }) => {
  app.addHook("onResponse", async (request, reply) => {
    metrics.request(request.routeOptions.url ?? "unmatched", request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  const listener = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not Found\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (error: unknown) => {
        app.log.warn({ err: error }, "metrics could not be collected");
        response.writeHead(503, { "content-type": "text/plain" }).end("Service Unavailable\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(port, host, () => resolve());
  });
  const address = listener.address() as { port: number };
  app.log.info({ url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/metrics` }, "metrics listening");

  app.addHook("onClose", async () => {
    metrics.stop();
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  });
};

export const metricsPlugin = fp(plugin, { name: "keyway-metrics" });
