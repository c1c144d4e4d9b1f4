import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { type Database, openDatabase } from "../../db/client.js";
import { buildApp } from "../../server/app.js";
import { loadConfig } from "../../server/config.js";
import { createTestDatabase } from "./database.js";
import { freePort } from "./server-process.js";

export interface TestServer {
  url: string;
  app: FastifyInstance;
  database: Database;
  /** HTTP requests the server has received so far. */
  requestCount: () => number;
  /** Stops serving and closes the database (an in-memory PGlite is lost). */
  stop: () => Promise<void>;
  /** Opens the database again and serves on the same port. */
  start: () => Promise<void>;
  close: () => Promise<void>;
  /** Environment that points another process (the CLI) at the same database. */
  env: Record<string, string>;
  /** Every log line the server has written so far, parsed (pino JSON at `info`). */
  logs: () => LogLine[];
  /** The text of every SQL statement the server has sent through Drizzle so far. */
  queries: () => string[];
}

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

/** Starts the real service over HTTP on loopback, on its own database. */
export async function startServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  // A caller that brings its own database keeps it; otherwise the server gets a fresh one.
  const testDb = overrides.DATABASE_URL ? { url: overrides.DATABASE_URL, drop: async () => {} } : await createTestDatabase();
  const envFor = (port: number): Record<string, string> => ({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: String(port),
    BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
    // Tests see what production sees: every logging call runs, into a captured stream.
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123456789",
    ...(testDb.url ? { DATABASE_URL: testDb.url } : { DATA_DIR: "memory://" }),
    // Each server its own Redis namespace, unless the test shares one on purpose.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test-${randomUUID()}:` } : {}),
    ...overrides,
  });
  let env = envFor(await freePort());
  let config = loadConfig(env);
  let requests = 0;
  const lines: string[] = [];
  const logStream = { write: (line: string) => void lines.push(line) };
  const statements: string[] = [];
  const open = () =>
    openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 5, onQuery: (query) => void statements.push(query) });
  const listen = async (database: Database) => {
    const app = await buildApp({ config, database, logStream });
    app.server.on("request", () => requests++);
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (error) {
      await app.close();
      throw error;
    }
    return app;
  };
  const database = await open();
  await database.migrate();
  // A port found free can be taken by another test file before we listen on it: pick again.
  let app: FastifyInstance | undefined;
  for (let attempt = 1; !app; attempt++) {
    try {
      app = await listen(database);
    } catch (error) {
      if ((error as { code?: string }).code !== "EADDRINUSE" || attempt === 5) throw error;
      env = envFor(await freePort());
      config = loadConfig(env);
    }
  }
  const server: TestServer = {
    url: `http://${config.host}:${config.port}`,
    app,
    database,
    env,
    requestCount: () => requests,
    logs: () => lines.map((line) => JSON.parse(line) as LogLine),
    queries: () => [...statements],
    async stop() {
      await server.app.close();
      await server.database.close();
    },
    async start() {
      server.database = await open();
      server.app = await listen(server.database);
    },
    async close() {
      await server.stop();
      await testDb.drop();
    },
  };
  return server;
}
