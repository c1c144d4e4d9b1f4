import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PASSWORD, signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe("a failed query inside Better Auth", () => {
  it("is logged by its kind, never with the query's parameters", async () => {
    const { email } = await signedUpClient(server, "driver-error");
    // Every new session row is refused: the sign-in's insert fails with its token among the parameters.
    await server.database.db.execute(sql`create function refuse_session() returns trigger language plpgsql as $$ begin raise exception 'no sessions today'; end $$`);
    await server.database.db.execute(sql`create trigger refuse_session before insert on session for each row execute function refuse_session()`);
    const printed: string[] = [];
    const spies = (["error", "warn", "log", "info"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" "))),
    );
    const agent = `agent-${crypto.randomUUID()}`;
    try {
      const response = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url, "user-agent": agent },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(response.status).toBeGreaterThanOrEqual(500);
    } finally {
      for (const spy of spies) spy.mockRestore();
      await server.database.db.execute(sql`drop trigger refuse_session on session`);
    }
    // The failure is logged, by our logger, with the driver's reason and without the statement.
    const logged = server.logs().filter((line) => line.msg === "authentication endpoint failed");
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).toContain("no sessions today");
    const everything = [...printed, ...server.logs().map((line) => JSON.stringify(line))].join("\n");
    expect(everything).not.toContain(agent);
    expect(everything).not.toContain("Failed query");
  });
});
