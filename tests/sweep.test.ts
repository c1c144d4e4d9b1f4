import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../db/client.js";
import { loadConfig } from "../server/config.js";
import { SWEEP_LOCK, sweep } from "../server/maintenance/sweep.js";
import { runCli } from "./helpers/cli.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { startServer, type TestServer } from "./helpers/server.js";

/** Expired rows seeded per table: 10,000 in all. */
const EXPIRED = {
  session: 2000,
  verification: 2000,
  rate_limit: 1500,
  sign_in_failure: 1500,
  invitation: 1000,
  mail_outbox: 1000,
  service_token_use: 1000,
};
/** Live rows per table, each a case the sweep must leave alone. */
const LIVE = { session: 2, verification: 2, rate_limit: 2, sign_in_failure: 2, invitation: 3, mail_outbox: 4, service_token_use: 2 };

/** Expired rows (ids `expired-…`) and live ones (`live-…`) in every swept table, in one transaction. */
async function seed(db: Db) {
  await db.transaction(async (tx) => {
    const run = (query: ReturnType<typeof sql>) => tx.execute(query);
    await run(sql`insert into "user" (id, name, email) values ('sweep-owner', 'Owner', 'sweep-owner@example.com') on conflict do nothing`);
    await run(sql`insert into organization (id, name, slug) values ('sweep-org', 'Sweep', 'sweep-org') on conflict do nothing`);

    await run(sql`insert into session (id, token, user_id, expires_at)
      select 'expired-' || n, 'expired-token-' || n, 'sweep-owner', now() - interval '1 minute' from generate_series(1, ${EXPIRED.session}) n`);
    await run(sql`insert into session (id, token, user_id, expires_at)
      select 'live-' || n, 'live-token-' || n, 'sweep-owner', now() + interval '1 hour' from generate_series(1, 2) n`);

    await run(sql`insert into verification (id, identifier, value, expires_at)
      select 'expired-' || n, 'reset-password:' || n, 'x', now() - interval '1 second' from generate_series(1, ${EXPIRED.verification}) n`);
    await run(sql`insert into verification (id, identifier, value, expires_at)
      select 'live-' || n, 'magic-link:' || n, 'x', now() + interval '10 minutes' from generate_series(1, 2) n`);

    const nowMs = sql`(extract(epoch from now()) * 1000)::bigint`;
    await run(sql`insert into rate_limit (id, key, count, last_request)
      select 'expired-' || n, '203.0.113.' || n || '|/sign-in/email', 3, ${nowMs} - 2 * 86400000 from generate_series(1, ${EXPIRED.rate_limit}) n`);
    await run(sql`insert into rate_limit (id, key, count, last_request)
      select 'live-' || n, '198.51.100.' || n || '|/sign-in/email', 1, ${nowMs} from generate_series(1, 2) n`);

    // Failed sign-ins for addresses with no account, their lockout window long past.
    await run(sql`insert into sign_in_failure (email, count, window_start)
      select 'expired-' || n || '@nobody.example', 1, now() - interval '1 day' from generate_series(1, ${EXPIRED.sign_in_failure}) n`);
    await run(sql`insert into sign_in_failure (email, count, window_start)
      select 'live-' || n || '@nobody.example', 4, now() - interval '1 minute' from generate_series(1, 2) n`);

    await run(sql`insert into invitation (id, organization_id, email, status, expires_at, inviter_id)
      select 'expired-' || n, 'sweep-org', 'invitee-' || n || '@example.com', case when n % 2 = 0 then 'pending' else 'canceled' end,
        now() - interval '1 day', 'sweep-owner' from generate_series(1, ${EXPIRED.invitation}) n`);
    await run(sql`insert into invitation (id, organization_id, email, status, expires_at, inviter_id) values
      ('live-pending-1', 'sweep-org', 'a@example.com', 'pending', now() + interval '2 days', 'sweep-owner'),
      ('live-pending-2', 'sweep-org', 'b@example.com', 'pending', now() + interval '2 days', 'sweep-owner'),
      ('live-accepted', 'sweep-org', 'c@example.com', 'accepted', now() - interval '1 day', 'sweep-owner')`);

    await run(sql`insert into mail_outbox (id, "to", subject, text, html, status, created_at, sent_at)
      select 'expired-sent-' || n, 'someone@example.com', 's', 't', 'h', 'sent', now() - interval '9 days', now() - interval '8 days'
      from generate_series(1, ${EXPIRED.mail_outbox / 2}) n`);
    await run(sql`insert into mail_outbox (id, "to", subject, text, html, status, created_at)
      select 'expired-failed-' || n, 'someone@example.com', 's', 't', 'h', 'failed', now() - interval '31 days'
      from generate_series(1, ${EXPIRED.mail_outbox / 2}) n`);
    await run(sql`insert into mail_outbox (id, "to", subject, text, html, status, created_at, sent_at) values
      ('live-sent', 'a@example.com', 's', 't', 'h', 'sent', now() - interval '2 days', now() - interval '1 day'),
      ('live-failed', 'a@example.com', 's', 't', 'h', 'failed', now() - interval '2 days', null),
      ('live-pending-old', 'a@example.com', 's', 't', 'h', 'pending', now() - interval '40 days', null),
      ('live-pending-new', 'a@example.com', 's', 't', 'h', 'pending', now(), null)`);

    await run(sql`insert into service_token_use (id, expires_at)
      select 'expired-' || n, now() - interval '1 second' from generate_series(1, ${EXPIRED.service_token_use}) n`);
    await run(sql`insert into service_token_use (id, expires_at)
      select 'live-' || n, now() + interval '5 minutes' from generate_series(1, 2) n`);
  });
}

/** Rows left per table: expired (seeded `expired-…`) and live (`live-…`). */
async function remaining(db: Db) {
  const key = { sign_in_failure: "email" } as Record<string, string>;
  const left: Record<string, { expired: number; live: number }> = {};
  for (const table of Object.keys(EXPIRED)) {
    const column = sql.identifier(key[table] ?? "id");
    const result = (await db.execute(sql`select
        count(*) filter (where ${column} like 'expired-%')::int as expired,
        count(*) filter (where ${column} like 'live-%')::int as live
      from ${sql.identifier(table)}`)) as unknown as { rows: { expired: number; live: number }[] };
    left[table] = result.rows[0]!;
  }
  return left;
}

const allGone = Object.fromEntries(Object.entries(LIVE).map(([table, live]) => [table, { expired: 0, live }]));

describe("maintenance sweeps", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "keyway-sweep-"));
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("`npm run keyway -- sweep` deletes 10,000 expired rows, leaves the live ones, and says how many per table", async () => {
    const server = await startServer({ SWEEP_INTERVAL_SECONDS: "0", ...(process.env.DATABASE_URL ? {} : { DATA_DIR: dataDir }) });
    servers.push(server);
    await seed(server.database.db);
    await server.stop(); // the embedded database is single-process: the CLI runs while the server is stopped
    const cli = await runCli(["sweep"], server.env);
    await server.start();

    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^Removed:/);
    for (const [table, count] of Object.entries(EXPIRED)) expect(cli.stdout).toMatch(new RegExp(`^\\s+${table}\\s+${count}$`, "m"));
    expect(await remaining(server.database.db)).toEqual(allGone);
  });

  it("runs on its schedule in a running server, and logs what it removed", async () => {
    const server = await startServer({ SWEEP_INTERVAL_SECONDS: "1" });
    servers.push(server);
    await seed(server.database.db);

    const removed = () => {
      const total: Record<string, number> = {};
      for (const line of server.logs().filter((entry) => entry.msg === "maintenance sweep")) {
        for (const [table, count] of Object.entries(line.removed as Record<string, number>)) total[table] = (total[table] ?? 0) + count;
      }
      return total;
    };
    for (let attempt = 0; attempt < 200 && removed().service_token_use !== EXPIRED.service_token_use; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(removed()).toEqual(EXPIRED);
    expect(await remaining(server.database.db)).toEqual(allGone);
  });

  it("is left to one sweeper at a time: while another holds the lock, a sweep removes nothing", async () => {
    const database = await createPostgresDatabase();
    const opened = await openDatabase({ url: database.url, poolMax: 2 });
    const holder = new pg.Client({ connectionString: database.url });
    try {
      await opened.migrate();
      await seed(opened.db);
      const { policy } = loadConfig({}).sweep;
      await holder.connect();
      await holder.query("begin");
      await holder.query("select pg_advisory_xact_lock($1)", [SWEEP_LOCK]);
      const refused = await sweep(opened.db, policy);
      expect(refused.skipped).toBe(true);
      expect(Object.values(refused.removed).every((count) => count === 0)).toBe(true);
      expect((await remaining(opened.db)).session).toEqual({ expired: EXPIRED.session, live: LIVE.session });

      await holder.query("commit");
      const done = await sweep(opened.db, policy);
      expect(done).toEqual({ skipped: false, removed: EXPIRED });
    } finally {
      await holder.end().catch(() => {});
      await opened.close();
      await database.drop();
    }
  });
});
