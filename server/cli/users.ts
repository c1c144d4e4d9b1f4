import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { and, asc, ilike, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { user } from "../../db/schema/index.js";
import { recordAuditEvent } from "../audit/record.js";
import { PASSWORD_LENGTH } from "../auth/plugins/password-policy.js";
import { ROLES } from "../auth/roles.js";
import { authOn, CliError, withDatabase } from "./with-database.js";

export const USERS_USAGE = `  users:list [--search <text>] [--limit <n>]      list accounts (email or name containing <text>)
  users:create <email> <name> [--role <${ROLES.join("|")}>]   make an account; the password is read from standard input
  users:set-role <email> <${ROLES.join("|")}>              give an existing account a role
  users:ban <email> [--reason <text>] [--expires-in <seconds>]   ban an account and end its sessions
  sessions:revoke-all <email>                    sign an account out everywhere`;

/** Runs node's parseArgs; an unknown option or a missing value is a usage error (exit 2). */
function parse<T>(command: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new CliError(`${command}: ${(error as Error).message}`, 2);
  }
}

function usage(command: string, needs: string): never {
  throw new CliError(`${command} needs ${needs}`, 2);
}

const email = z.email().max(320).transform((value) => value.toLowerCase());

async function findByEmail(internalAdapter: Awaited<ReturnType<typeof authOn>>["internalAdapter"], address: string) {
  const found = await internalAdapter.findUserByEmail(address);
  if (!found) throw new CliError(`No account with email ${address}. Sign up first, then run this again.`);
  return found.user;
}

export async function listUsers(args: string[]) {
  const { values, positionals } = parse("users:list", () => parseArgs({ args, options: { search: { type: "string" }, limit: { type: "string", default: "50" } }, allowPositionals: true }));
  const limit = z.coerce.number().int().min(1).max(1000).safeParse(values.limit);
  if (positionals.length > 0 || !limit.success) usage("users:list", "no arguments, --search <text> and --limit <1-1000> at most");
  return withDatabase(async (database) => {
    const filters: SQL[] = [];
    if (values.search) filters.push(or(ilike(user.email, `%${values.search}%`), ilike(user.name, `%${values.search}%`))!);
    const rows = await database.db
      .select({ id: user.id, email: user.email, name: user.name, role: user.role, banned: user.banned, createdAt: user.createdAt })
      .from(user)
      .where(and(...filters))
      .orderBy(asc(user.createdAt))
      .limit(limit.data);
    if (rows.length === 0) {
      console.log("No accounts.");
      return 0;
    }
    const table = rows.map((row) => [row.email, row.role ?? "user", row.banned ? "banned" : "", row.name, row.id, row.createdAt.toISOString()]);
    const header = ["email", "role", "state", "name", "id", "created"];
    const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]!.length)));
    for (const cells of [header, ...table]) console.log(cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
    return 0;
  });
}

/** The audit log's record of an operator's change: the admin API's action name, no actor account, `via: "cli"`. */
function recordCliAction(db: Db, action: string, targetId: string, detail: Record<string, unknown> = {}) {
  return recordAuditEvent(db, { action, actorUserId: null, targetType: "user", targetId, detail: { via: "cli", ...detail } });
}

/** The first line of standard input (piped), or what the operator types at the prompt. */
async function readPassword() {
  const input = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, terminal: false });
  try {
    if (process.stdin.isTTY) process.stderr.write("Password: ");
    for await (const line of input) return line;
    return "";
  } finally {
    input.close();
  }
}

export async function createUser(args: string[]) {
  const { values, positionals } = parse("users:create", () => parseArgs({ args, options: { role: { type: "string", default: "user" } }, allowPositionals: true }));
  const parsed = z.tuple([email, z.string().trim().min(1).max(100)]).safeParse(positionals);
  const role = z.enum(ROLES).safeParse(values.role);
  if (!parsed.success || !role.success) usage("users:create", `an email, a name and at most --role <${ROLES.join("|")}>`);
  const password = await readPassword();
  if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
    throw new CliError(`users:create: the password (read from standard input) must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters`, 2);
  }
  const [address, name] = parsed.data;
  return withDatabase(async (database, config) => {
    const { auth, internalAdapter } = await authOn(database, config);
    if (await internalAdapter.findUserByEmail(address)) throw new CliError(`An account with email ${address} already exists.`);
    // Better Auth's own admin endpoint (a server-side call needs no session): its hashing, hooks and policy apply.
    const { user: created } = await auth.api.createUser({ body: { email: address, password, name, role: role.data } });
    console.log(`Created ${created.email} (id ${created.id}) with role ${role.data}`);
    return 0;
  });
}

export async function setRole(args: string[]) {
  const parsed = z.tuple([email, z.enum(ROLES)]).safeParse(args);
  if (!parsed.success) usage("users:set-role", `an email and one of: ${ROLES.join(", ")}`);
  const [address, role] = parsed.data;
  return withDatabase(async (database, config) => {
    const { internalAdapter } = await authOn(database, config);
    const found = await findByEmail(internalAdapter, address);
    const updated = await internalAdapter.updateUser(found.id, { role });
    await recordCliAction(database.db, "admin.role_change", found.id, { role });
    console.log(`${updated?.email ?? address} now has role ${role}`);
    return 0;
  });
}

export async function banUser(args: string[]) {
  const { values, positionals } = parse("users:ban", () => parseArgs({ args, options: { reason: { type: "string" }, "expires-in": { type: "string" } }, allowPositionals: true }));
  const parsed = z.tuple([email]).safeParse(positionals);
  const reason = z.string().trim().min(1).max(500).optional().safeParse(values.reason);
  const expiresIn = z.coerce.number().int().min(60).max(10 * 365 * 24 * 3600).optional().safeParse(values["expires-in"]);
  if (!parsed.success || !reason.success || !expiresIn.success) usage("users:ban", "an email, at most --reason <text> and --expires-in <seconds, 60 or more>");
  const [address] = parsed.data;
  return withDatabase(async (database, config) => {
    const { internalAdapter } = await authOn(database, config);
    const found = await findByEmail(internalAdapter, address);
    // What Better Auth's /admin/ban-user does: mark the account, then end its sessions.
    await internalAdapter.updateUser(found.id, {
      banned: true,
      banReason: reason.data ?? null,
      banExpires: expiresIn.data ? new Date(Date.now() + expiresIn.data * 1000) : null,
    });
    await internalAdapter.deleteUserSessions(found.id);
    await recordCliAction(database.db, "admin.ban", found.id, { reason: reason.data ?? null, expiresIn: expiresIn.data ?? null });
    console.log(`${address} is banned${expiresIn.data ? ` for ${expiresIn.data} seconds` : ""} and signed out everywhere`);
    return 0;
  });
}

export async function revokeAllSessions(args: string[]) {
  const parsed = z.tuple([email]).safeParse(args);
  if (!parsed.success) usage("sessions:revoke-all", "an email");
  const [address] = parsed.data;
  return withDatabase(async (database, config) => {
    const { internalAdapter } = await authOn(database, config);
    const found = await findByEmail(internalAdapter, address);
    const sessions = await internalAdapter.listSessions(found.id);
    await internalAdapter.deleteUserSessions(found.id);
    await recordCliAction(database.db, "admin.sessions_revoke", found.id);
    console.log(`${address} is signed out everywhere (${sessions.length} session${sessions.length === 1 ? "" : "s"} ended)`);
    return 0;
  });
}
