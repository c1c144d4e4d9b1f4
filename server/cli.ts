import { ConfigError } from "./config.js";
import { readEnvFile } from "./env/env-file.js";
import { doctor } from "./cli/doctor.js";
import { banUser, createUser, listUsers, revokeAllSessions, setRole, USERS_USAGE } from "./cli/users.js";
import { CliError, withDatabase } from "./cli/with-database.js";
import { sweep } from "./maintenance/sweep.js";

const USAGE = `Usage: npm run keyway -- <command>

Commands:
${USERS_USAGE}
  migrate                                        apply pending database migrations, then exit
  sweep                                          delete expired and spent rows now, and say how many per table
  doctor                                         check configuration, database, Redis, SMTP and migrations`;

async function migrateNow(args: string[]) {
  if (args.length > 0) throw new CliError("migrate takes no arguments", 2);
  // withDatabase applies the pending migrations before anything else.
  return withDatabase(async () => {
    console.log("Migrations applied: the database schema is up to date.");
    return 0;
  });
}

async function sweepNow(args: string[]) {
  if (args.length > 0) throw new CliError("sweep takes no arguments", 2);
  return withDatabase(async (database, config) => {
    const report = await sweep(database.db, config.sweep.policy);
    if (report.skipped) console.log("Another instance is sweeping right now; removed before it took over:");
    else console.log("Removed:");
    const width = Math.max(...Object.keys(report.removed).map((name) => name.length));
    for (const [name, count] of Object.entries(report.removed)) console.log(`  ${name.padEnd(width)}  ${count}`);
    return 0;
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  "users:list": listUsers,
  "users:create": createUser,
  "users:set-role": setRole,
  "users:ban": banUser,
  "sessions:revoke-all": revokeAllSessions,
  migrate: migrateNow,
  sweep: sweepNow,
  doctor,
};

async function main(argv: string[]) {
  readEnvFile();
  const [command, ...args] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    console.error(USAGE);
    return 2;
  }
  return run(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) console.error(error.code === 2 ? `${error.message}\n\n${USAGE}` : error.message);
    else console.error(error instanceof ConfigError ? error.message : `keyway: ${error instanceof Error ? error.message : error}`);
    process.exit(error instanceof CliError ? error.code : 1);
  },
);
