import { Redis } from "ioredis";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { openDatabase } from "../../db/client.js";
import { pendingMigrations } from "../../db/migration-status.js";
import { type Config, ConfigError, loadConfig } from "../config.js";

const TIMEOUT_MS = 3_000;

type Check = { name: string; run: () => Promise<string> };

/** One line per check: what is fine, or what is wrong; exit 1 when anything is wrong. */
export async function doctor(args: string[]) {
  if (args.length > 0) {
    console.error("doctor takes no arguments");
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.log(`FAIL config: ${problem}`);
    return 1;
  }
  let failures = 0;
  console.log(`ok   config: NODE_ENV=${config.env}`);
  for (const check of checks(config)) {
    try {
      console.log(`ok   ${check.name}: ${await check.run()}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${check.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures > 0) console.log(`${failures} problem${failures === 1 ? "" : "s"} found.`);
  return failures > 0 ? 1 : 0;
}

function checks(config: Config): Check[] {
  return [
    {
      name: "database",
      async run() {
        const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 1, shared: "join" });
        try {
          await database.ping();
          const pending = await pendingMigrations(database.db);
          const where = config.databaseUrl ? `PostgreSQL at ${new URL(config.databaseUrl).host}` : `embedded PGlite in ${config.dataDir}`;
          if (pending.length > 0) throw new Error(`${where} answers, but ${pending.length} migration(s) are pending (${pending.join(", ")}): run \`npm run keyway -- migrate\``);
          return `${where} answers; no pending migrations`;
        } finally {
          await database.close();
        }
      },
    },
    {
      name: "redis",
      async run() {
        if (!config.redisUrl) return "not configured (rate-limit counters stay in the database)";
        const redis = new Redis(config.redisUrl, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
        // connect() rejects with "Connection is closed"; the cause comes as an error event.
        let cause: Error | undefined;
        redis.on("error", (error: Error) => (cause = error));
        try {
          await redis.connect();
          await redis.ping();
          return `${new URL(config.redisUrl).host} answers`;
        } catch (error) {
          throw new Error(`${new URL(config.redisUrl).host} unreachable: ${(cause ?? (error as Error)).message}`);
        } finally {
          redis.disconnect();
        }
      },
    },
    {
      name: "smtp",
      async run() {
        if (config.mail.disabled) return "mail disabled (MAIL_DISABLED=true)";
        if (!config.mail.smtpUrl) return "not configured (mail goes to the development outbox)";
        const host = new URL(config.mail.smtpUrl).host;
        const transport = nodemailer.createTransport({
          url: config.mail.smtpUrl,
          connectionTimeout: TIMEOUT_MS,
          greetingTimeout: TIMEOUT_MS,
          socketTimeout: TIMEOUT_MS,
        } as SMTPTransport.Options);
        try {
          await transport.verify();
          return `${host} accepts connections`;
        } catch (error) {
          throw new Error(`${host} unreachable or refusing: ${(error as Error).message}`);
        } finally {
          transport.close();
        }
      },
    },
  ];
}
