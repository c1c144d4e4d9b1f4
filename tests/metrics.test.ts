import { randomUUID } from "node:crypto";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, mailOutbox } from "../db/schema/index.js";
import { loadConfig } from "../server/config.js";
import { newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let metricsUrl: string;

beforeAll(async () => {
  server = await startServer({ METRICS_PORT: "0" });
  const line = server.logs().find((entry) => entry.msg === "metrics listening");
  metricsUrl = String(line?.url);
});

afterAll(async () => {
  await server?.close();
});

async function scrape() {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  const text = await response.text();
  return Object.assign(parsePrometheusTextFormat(text), { text });
}

function family(families: MetricFamily[], name: string) {
  const found = families.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no metric ${name}`);
  return found;
}

/** The sample's value (a histogram's count), 0 when no sample has these labels yet. */
function valueOf(families: MetricFamily[], name: string, labels: Record<string, string> = {}) {
  const sample = family(families, name).metrics.find((candidate) =>
    Object.entries(labels).every(([key, value]) => candidate.labels?.[key] === value),
  );
  return Number(sample?.count ?? sample?.value ?? 0);
}

describe("Prometheus metrics on METRICS_PORT", () => {
  it("listen on loopback, apart from the service's own port, and are off by default", async () => {
    expect(new URL(metricsUrl).hostname).toBe("127.0.0.1");
    expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect(loadConfig({}).metrics).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: "9464" }).metrics).toEqual({ host: "127.0.0.1", port: 9464 });
  });

  it("count requests by route pattern, sign-ins by outcome, and session-cache lookups", async () => {
    const before = await scrape();
    const { client, email } = await signedUpClient(server, "metrics");
    await client.auth.signOut();
    const wrong = await client.auth.signIn.email({ email, password: "not the password at all" });
    expect(wrong.error?.status).toBe(401);
    const right = await client.auth.signIn.email({ email, password: PASSWORD });
    expect(right.error).toBeNull();
    for (let call = 0; call < 3; call++) expect((await client.api.me.get.query()).email).toBe(email);
    for (let call = 0; call < 2; call++) expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    const after = await scrape();

    const ready = { route: "/ready", method: "GET", status: "200" };
    expect(valueOf(after, "keyway_http_requests_total", ready) - valueOf(before, "keyway_http_requests_total", ready)).toBe(2);
    // The parser folds a labelled histogram's series into one, so its per-route count is read from the text.
    expect(family(after, "keyway_http_request_duration_seconds").type).toBe("HISTOGRAM");
    const readyTimes = (text: string) => Number(/^keyway_http_request_duration_seconds_count\{route="\/ready",method="GET"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    expect(readyTimes(after.text) - readyTimes(before.text)).toBe(2);
    // Route patterns, never the raw URL: no procedure name, query or id in a label.
    const routes = new Set(family(after, "keyway_http_requests_total").metrics.map((sample) => sample.labels?.route));
    expect(routes).toContain("/trpc/:path");
    expect(routes).toContain("/api/auth/*");
    expect([...routes].some((route) => /me\.get|\?|sign-in/.test(route ?? ""))).toBe(false);

    expect(valueOf(after, "keyway_sign_ins_total", { method: "email", outcome: "failure" })).toBe(1);
    expect(valueOf(after, "keyway_sign_ins_total", { method: "email", outcome: "success" })).toBe(1);

    const lookups = (families: MetricFamily[]) =>
      valueOf(families, "keyway_session_cache_hits_total") + valueOf(families, "keyway_session_cache_misses_total");
    expect(lookups(after) - lookups(before)).toBeGreaterThanOrEqual(3);
    expect(valueOf(after, "keyway_session_cache_hits_total")).toBeGreaterThan(valueOf(before, "keyway_session_cache_hits_total"));
  });

  it("read the mail queue and mail failures from the database at scrape time", async () => {
    const before = await scrape();
    const later = new Date(Date.now() + 3_600_000);
    await server.database.db.insert(mailOutbox).values({ id: randomUUID(), to: "queued@example.com", subject: "s", text: "t", html: "h", nextAttemptAt: later });
    await server.database.db.insert(auditEvent).values({ action: "mail.delivery_failed", targetType: "mail", detail: {} });
    const after = await scrape();
    expect(valueOf(after, "keyway_mail_queue_depth") - valueOf(before, "keyway_mail_queue_depth")).toBe(1);
    expect(valueOf(after, "keyway_mail_failures_total") - valueOf(before, "keyway_mail_failures_total")).toBe(1);
  });

  it("include the database pool (PostgreSQL only) and Node's process metrics", async () => {
    const families = await scrape();
    const names = new Set(families.map((candidate) => candidate.name));
    expect(names).toContain("process_cpu_user_seconds_total");
    expect(names).toContain("nodejs_eventloop_lag_seconds");
    if (server.database.kind === "postgres") {
      expect(valueOf(families, "keyway_db_pool_connections_in_use")).toBeGreaterThanOrEqual(0);
      expect(valueOf(families, "keyway_db_pool_waiting")).toBe(0);
    } else {
      expect(names).not.toContain("keyway_db_pool_connections_in_use");
    }
  });

  it("a fresh client's anonymous call is a miss, never a hit", async () => {
    const before = await scrape();
    await newClient(server).auth.getSession();
    const after = await scrape();
    expect(valueOf(after, "keyway_session_cache_hits_total")).toBe(valueOf(before, "keyway_session_cache_hits_total"));
  });
});
