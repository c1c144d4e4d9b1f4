import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { sendError } from "./error-body.js";

declare module "fastify" {
  interface FastifyInstance {
    /** From now on every new request is answered 503 + Connection: close (shutdown under way). */
    startDraining(): void;
  }
}

/**
 * Shutdown in two steps: first draining, while the listener stays open so that new requests
 * get a clear 503 (and load balancers see /ready fail) instead of a reset connection; then
 * close(), which waits for what is in flight.
 */
export const drain: FastifyPluginAsync = fp(
  async (app) => {
    let draining = false;
    app.decorate("startDraining", () => {
      draining = true;
    });
    app.addHook("onRequest", async (_request, reply) => {
      if (draining) {
        return sendError(reply.header("connection", "close"), 503, { message: "The server is shutting down, try again" });
      }
    });
    // While draining or closing, every answer ends its keep-alive connection.
    app.addHook("onSend", async (_request, reply) => {
      if (draining) reply.header("connection", "close");
    });
    app.addHook("preClose", async () => {
      draining = true;
    });
  },
  { name: "keyway-drain" },
);
