import { openDatabase } from "../db/client.js";
import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { readEnvFile } from "./env/env-file.js";
import { startTracing } from "./observability/tracing.js";

const SHUTDOWN_DEADLINE_MS = 10_000;
/** Room, past the drain, for a mail send in flight to finish and be recorded. */
const SHUTDOWN_MAIL_MARGIN_MS = 5_000;

async function main() {
  const fromEnvFile = readEnvFile();
  const config = loadConfig();
  const tracing = config.tracing && startTracing(config.tracing);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: config.dbPoolMax, shared: "serve", traced: Boolean(tracing) });
  if (config.migrateOnStart) await database.migrate();
  const app = await buildApp({ config, database });
  await app.listen({ host: config.host, port: config.port });
  if (fromEnvFile.length > 0) app.log.info({ variables: fromEnvFile }, "read .env (the environment wins over it)");
  app.log.info({ database: database.kind, baseUrl: config.baseUrl }, "keyway is up");
  const budgetWarning = await database.checkConnectionBudget().catch(() => undefined);
  if (budgetWarning) app.log.warn(budgetWarning);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: draining, then finishing in-flight requests and mail");
    const deadline = setTimeout(() => {
      app.log.error("shutdown deadline passed; exiting");
      process.exit(1);
    }, Math.max(SHUTDOWN_DEADLINE_MS, config.shutdownDrainMs + config.mail.sendTimeoutSeconds * 1000 + SHUTDOWN_MAIL_MARGIN_MS));
    deadline.unref();
    app.startDraining();
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    await app.close();
    await database.close();
    await tracing?.shutdown().catch((error: unknown) => app.log.warn({ err: error }, "the last spans could not be exported"));
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error("keyway failed to start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
