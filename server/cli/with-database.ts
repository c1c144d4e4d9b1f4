import { type Database, openDatabase } from "../../db/client.js";
import { createAuth } from "../auth/auth.js";
import { type Config, loadConfig } from "../config.js";
import { createOutboxMailer } from "../mail/mailer.js";

/** Opens the configured database, applies pending migrations, runs `run`, and closes it. */
export async function withDatabase<T>(run: (database: Database, config: Config) => Promise<T>) {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2, shared: "join" });
  try {
    await database.migrate();
    return await run(database, config);
  } finally {
    await database.close();
  }
}

/**
 * Better Auth's internal adapter on the CLI's database: the same writes the admin API makes,
 * so the database's change feed tells every running instance at once.
 */
export async function authOn(database: Database, config: Config) {
  const auth = createAuth(config, database.db, { mailer: createOutboxMailer() });
  return { auth, internalAdapter: (await auth.$context).internalAdapter };
}

/** A CLI failure the operator caused: its message is printed as is, with the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}
