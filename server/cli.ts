import { z } from "zod";
import { type Database, openDatabase } from "../db/client.js";
import { createAuth } from "./auth/auth.js";
import { ROLES } from "./auth/roles.js";
import { createOutboxMailer } from "./mail/mailer.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { readEnvFile } from "./env/env-file.js";
import { sweep } from "./maintenance/sweep.js";

const USAGE = `Usage: npm run keyway -- <command>

Commands:
  users:set-role <email> <${ROLES.join("|")}>   give an existing account a role
  migrate                                apply pending database migrations, then exit
  sweep                                  delete expired and spent rows now, and say how many per table`;

const setRoleArgs = z.tuple([z.email(), z.enum(ROLES)]);

async function withDatabase<T>(run: (database: Database, config: Config) => Promise<T>) {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    await database.migrate();
    return await run(database, config);
  } finally {
    await database.close();
  }
}

async function setRole(args: string[]) {
  const parsed = setRoleArgs.safeParse(args);
  if (!parsed.success) {
    console.error(`users:set-role needs an email and one of: ${ROLES.join(", ")}\n\n${USAGE}`);
    return 2;
  }
  const [email, role] = parsed.data;
  return withDatabase(async (database, config) => {
    // Through Better Auth's own adapter, so its hooks (change notifications, audit) run.
    const auth = createAuth(config, database.db, { mailer: createOutboxMailer() });
    const { internalAdapter } = await auth.$context;
    const found = await internalAdapter.findUserByEmail(email.toLowerCase());
    if (!found) {
      console.error(`No account with email ${email}. Sign up first, then run this again.`);
      return 1;
    }
    const updated = await internalAdapter.updateUser(found.user.id, { role });
    console.log(`${updated?.email ?? email} now has role ${role}`);
    return 0;
  });
}

async function migrateNow(args: string[]) {
  if (args.length > 0) {
    console.error(`migrate takes no arguments\n\n${USAGE}`);
    return 2;
  }
  // withDatabase applies the pending migrations before anything else.
  return withDatabase(async () => {
    console.log("Migrations applied: the database schema is up to date.");
    return 0;
  });
}

async function sweepNow(args: string[]) {
  if (args.length > 0) {
    console.error(`sweep takes no arguments\n\n${USAGE}`);
    return 2;
  }
  return withDatabase(async (database, config) => {
    const report = await sweep(database.db, config.sweep.policy);
    if (report.skipped) console.log("Another instance is sweeping right now; removed before it took over:");
    else console.log("Removed:");
    const width = Math.max(...Object.keys(report.removed).map((name) => name.length));
    for (const [name, count] of Object.entries(report.removed)) console.log(`  ${name.padEnd(width)}  ${count}`);
    return 0;
  });
}

async function main(argv: string[]) {
  readEnvFile();
  const [command, ...args] = argv;
  if (command === "users:set-role") return setRole(args);
  if (command === "migrate") return migrateNow(args);
  if (command === "sweep") return sweepNow(args);
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `keyway: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
