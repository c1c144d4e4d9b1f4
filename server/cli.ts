import { Redis } from "ioredis";
import { z } from "zod";
import { openDatabase } from "../db/client.js";
import { createAuth } from "./auth/auth.js";
import { ROLES } from "./auth/roles.js";
import { createOutboxMailer } from "./mail/mailer.js";
import { ConfigError, loadConfig } from "./config.js";

const USAGE = `Usage: npm run keyway -- <command>

Commands:
  users:set-role <email> <${ROLES.join("|")}>   give an existing account a role`;

const setRoleArgs = z.tuple([z.email(), z.enum(ROLES)]);

async function main(argv: string[]) {
  const [command, ...args] = argv;
  if (command !== "users:set-role") {
    console.error(USAGE);
    return 2;
  }
  const parsed = setRoleArgs.safeParse(args);
  if (!parsed.success) {
    console.error(`users:set-role needs an email and one of: ${ROLES.join(", ")}\n\n${USAGE}`);
    return 2;
  }
  const [email, role] = parsed.data;
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  try {
    await database.migrate();
    // Through Better Auth's own adapter, so its copies of the user (Redis sessions) follow.
    const auth = createAuth(config, database.db, { mailer: createOutboxMailer(), redis });
    const { internalAdapter } = await auth.$context;
    const found = await internalAdapter.findUserByEmail(email.toLowerCase());
    if (!found) {
      console.error(`No account with email ${email}. Sign up first, then run this again.`);
      return 1;
    }
    const updated = await internalAdapter.updateUser(found.user.id, { role });
    console.log(`${updated?.email ?? email} now has role ${role}`);
    return 0;
  } finally {
    await database.close();
    redis?.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `keyway: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
