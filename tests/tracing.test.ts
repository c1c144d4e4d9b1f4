import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../server/config.js";
import { createTestDatabase } from "./helpers/database.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server.js";

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: { scope?: { name: string }; spans?: OtlpSpan[] }[];
  }[];
}
interface ReceivedSpan extends OtlpSpan {
  scope: string;
  service: string | undefined;
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const PASSWORD = "correct horse battery staple";

/** A collector's OTLP/HTTP endpoint on loopback: every JSON export request it is sent, as received. */
async function startReceiver() {
  const requests: { path: string; body: ExportRequest }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = (request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      requests.push({ path: request.url ?? "", body: JSON.parse(text) as ExportRequest });
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const spans = (): ReceivedSpan[] =>
    requests.flatMap(({ body }) =>
      (body.resourceSpans ?? []).flatMap((resourceSpan) => {
        const service = resourceSpan.resource?.attributes?.find((attribute) => attribute.key === "service.name")?.value.stringValue;
        return (resourceSpan.scopeSpans ?? []).flatMap((scopeSpan) =>
          (scopeSpan.spans ?? []).map((span) => ({ ...span, scope: scopeSpan.scope?.name ?? "", service })),
        );
      }),
    );
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((candidate) => candidate.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

async function signUpAndIn(url: string, email: string) {
  const post = (path: string, body: object) =>
    fetch(`${url}/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify(body),
    });
  expect((await post("sign-up/email", { email, password: PASSWORD, name: "Traced" })).status).toBe(200);
  const signIn = await post("sign-in/email", { email, password: PASSWORD });
  expect(signIn.status).toBe(200);
  const { token } = (await signIn.json()) as { token: string };
  const cookie = signIn.headers.getSetCookie().map((line) => line.split(";")[0]!).join("; ");
  return { token, cookie };
}

describe("OpenTelemetry traces with OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: ServerProcess;
  let drop = async () => {};

  beforeAll(async () => {
    receiver = await startReceiver();
    const database = await createTestDatabase();
    drop = database.drop;
    server = await startServerProcess({
      ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: "memory://" }),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: "keyway-under-test",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
  });

  afterAll(async () => {
    await server?.stop();
    await drop();
    await receiver?.close();
  });

  it("exports a sign-in's trace: the HTTP request, Better Auth's spans and SQL, one tree, with no secret in it", async () => {
    const { token, cookie } = await signUpAndIn(server.url, `traced-${Date.now()}@example.com`);
    const me = await fetch(`${server.url}/trpc/me.get`, { headers: { cookie } });
    expect(me.status).toBe(200);

    const signInSpan = await expect
      .poll(() => receiver.spans().find((span) => span.scope === "better-auth" && span.name === "POST /sign-in/email"))
      .toBeDefined()
      .then(() => receiver.spans().find((span) => span.scope === "better-auth" && span.name === "POST /sign-in/email")!);
    expect(receiver.requests.every((request) => request.path === "/v1/traces")).toBe(true);

    // Wait until the whole trace is in: the HTTP span ends last.
    const inTrace = () => receiver.spans().filter((span) => span.traceId === signInSpan.traceId);
    await expect.poll(() => inTrace().some((span) => span.kind === SPAN_KIND_SERVER)).toBe(true);
    const spans = inTrace();
    const byId = new Map(spans.map((span) => [span.spanId, span]));

    const [http, ...otherRoots] = spans.filter((span) => !span.parentSpanId);
    expect(otherRoots).toEqual([]);
    expect(http).toMatchObject({ kind: SPAN_KIND_SERVER, name: "POST /api/auth/*", scope: "keyway-http", service: "keyway-under-test" });
    expect(attribute(http!, "http.request.method")).toBe("POST");
    expect(attribute(http!, "http.route")).toBe("/api/auth/*");
    expect(attribute(http!, "http.response.status_code")).toBe(200);

    // Every span hangs from the HTTP span through spans of the same trace.
    const rootOf = (span: ReceivedSpan): ReceivedSpan => (span.parentSpanId ? rootOf(byId.get(span.parentSpanId)!) : span);
    for (const span of spans) expect(rootOf(span)).toBe(http);
    expect(byId.get(signInSpan.parentSpanId!)).toBe(http);

    const names = spans.map((span) => span.name);
    expect(names).toContain("handler /sign-in/email");
    expect(names).toContain("db findOne user");
    const sql = spans.filter((span) => span.scope === "keyway-db");
    expect(sql.length).toBeGreaterThan(0);
    for (const span of sql) {
      expect(span.kind).toBe(SPAN_KIND_CLIENT);
      expect(attribute(span, "db.system.name")).toBe("postgresql");
      expect(["SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT"]).toContain(attribute(span, "db.operation.name"));
      expect(String(attribute(span, "db.query.text"))).toMatch(/^(select|insert|update|delete|begin|commit)\b/i);
    }
    // The session row is written inside the sign-in, under Better Auth's span for it.
    const insertSession = sql.find((span) => /^insert into "session"/i.test(String(attribute(span, "db.query.text"))));
    expect(insertSession).toBeDefined();
    expect(byId.get(insertSession!.parentSpanId!)?.scope).toBe("better-auth");

    // The tRPC call is a trace of its own, with its procedure's span under the HTTP span.
    await expect.poll(() => receiver.spans().some((span) => span.name === "trpc.me.get")).toBe(true);
    const procedure = receiver.spans().find((span) => span.name === "trpc.me.get")!;
    expect(attribute(procedure, "trpc.type")).toBe("query");
    const procedureParent = receiver.spans().find((span) => span.spanId === procedure.parentSpanId);
    expect(procedureParent).toMatchObject({ kind: SPAN_KIND_SERVER, name: "GET /trpc/:path", traceId: procedure.traceId });

    const exported = JSON.stringify(receiver.requests.map((request) => request.body));
    expect(exported).not.toContain(PASSWORD);
    expect(exported).not.toContain(token);
    expect(exported).not.toContain(cookie);
    expect(exported).not.toContain(cookie.split("=")[1]!.split(".")[0]!);
  });

  it("starts a trace of its own for a request carrying a traceparent (no TRUST_PROXY)", async () => {
    const foreignTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    // /health: a route nothing else calls, so its one span is this request's.
    const response = await fetch(`${server.url}/health`, { headers: { traceparent: `00-${foreignTrace}-00f067aa0ba902b7-01` } });
    expect(response.status).toBe(200);
    const request = () => receiver.spans().find((span) => span.name === "GET /health");
    await expect.poll(request).toBeDefined();
    expect(request()!.traceId).not.toBe(foreignTrace);
    expect(request()!.parentSpanId ?? "").toBe("");
    expect(receiver.spans().some((span) => span.traceId === foreignTrace)).toBe(false);
  });
});

describe("OpenTelemetry traces behind a trusted proxy (TRUST_PROXY=true)", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: ServerProcess;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startServerProcess({ DATA_DIR: "memory://", TRUST_PROXY: "true", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100" });
  });

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it("continues the proxy's trace: the request's span is a child of its traceparent", async () => {
    const proxyTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const proxySpan = "00f067aa0ba902b7";
    const response = await fetch(`${server.url}/ready`, { headers: { traceparent: `00-${proxyTrace}-${proxySpan}-01` } });
    expect(response.status).toBe(200);
    const request = () => receiver.spans().find((span) => span.traceId === proxyTrace && span.kind === SPAN_KIND_SERVER);
    await expect.poll(request).toBeDefined();
    expect(request()).toMatchObject({ name: "GET /ready", parentSpanId: proxySpan });
  });
});

describe("without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("is off: the server registers no tracer provider, so no span is recorded", async () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracing).toEqual({ serviceName: "keyway" });
    const server = await startServer();
    try {
      await signUpAndIn(server.url, `untraced-${Date.now()}@example.com`);
      expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(false);
    } finally {
      await server.close();
    }
  });
});
