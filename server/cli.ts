import { eq } from "drizzle-orm";
import { z } from "zod";
import { openDatabase } from "../db/client.js";
import { user } from "../db/schema/index.js";
import { ROLES } from "./auth/roles.js";
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
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 1 });
  try {
    await database.migrate();
    const [updated] = await database.db
      .update(user)
      .set({ role, updatedAt: new Date() })
      .where(eq(user.email, email.toLowerCase()))
      .returning({ email: user.email, role: user.role });
    if (!updated) {
      console.error(`No account with email ${email}. Sign up first, then run this again.`);
      return 1;
    }
    console.log(`${updated.email} now has role ${updated.role}`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `keyway: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
