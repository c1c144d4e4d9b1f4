import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

export interface TracingPluginOptions {
  /** Continue the trace of an incoming `traceparent` only from a trusted proxy; otherwise each request starts its own. */
  trustProxy: boolean;
}

const tracer = trace.getTracer("keyway-http");

/**
 * One SERVER span per request, named by method and route pattern (never the URL, whose query
 * and path may carry tokens). It is the active span from the first hook to the handler, so
 * tRPC's, Better Auth's and SQL spans nest under it.
 */
const plugin: FastifyPluginAsync<TracingPluginOptions> = async (app, { trustProxy }) => {
  const spans = new WeakMap<FastifyRequest, { span: Span; active: Context }>();

  app.addHook("onRequest", (request, reply, done) => {
    const route = request.routeOptions.url;
    const parent = trustProxy ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}) } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    spans.set(request, { span, active });
    context.with(active, done);
  });
  // The body is read outside any request's context: enter the span again before the handler.
  app.addHook("preHandler", (request, reply, done) => {
    const traced = spans.get(request);
    if (traced) context.with(traced.active, done);
    else done();
  });
  const end = (request: FastifyRequest, status?: number) => {
    const traced = spans.get(request);
    if (!traced) return;
    spans.delete(request);
    if (status !== undefined) {
      traced.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
    } else {
      traced.span.setStatus({ code: SpanStatusCode.ERROR, message: "request aborted" });
    }
    traced.span.end();
  };
  app.addHook("onResponse", async (request, reply) => end(request, reply.statusCode));
  app.addHook("onRequestAbort", async (request) => end(request));
};

export const tracingPlugin = fp(plugin, { name: "keyway-tracing" });
