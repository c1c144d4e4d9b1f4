import pg from "pg";
import { describe, expect, test } from "vitest";
import { DependencyUnavailableError, isDependencyFailure } from "../../server/http/errors.js";
import { freePort } from "../helpers/server-process.js";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("a database that does not answer is told from a bad query", () => {
  test("a real connection refused by a closed port", async () => {
    const client = new pg.Client({ host: "127.0.0.1", port: await freePort(), connectionTimeoutMillis: 2_000 });
    const refused = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: "ECONNREFUSED" });
    expect(isDependencyFailure(refused)).toBe(true);
  });

  test.each([
    ["our own wrapper", new DependencyUnavailableError(new Error("down"))],
    ["a reset socket", withCode("ECONNRESET")],
    ["an unknown host", withCode("ENOTFOUND")],
    ["a connection exception (SQLSTATE class 08)", withCode("08006")],
    ["an administrator shutdown (57P01)", withCode("57P01")],
    ["a database starting up (57P03)", withCode("57P03")],
    ["too many connections (53300)", withCode("53300")],
    ["a statement timeout (57014)", withCode("57014")],
    ["pg-pool's connection timeout", new Error("timeout exceeded when trying to connect")],
    ["a connection terminated mid-query", new Error("Connection terminated unexpectedly")],
    ["a driver error wrapped by Drizzle", new Error("Failed query: select 1", { cause: withCode("ECONNREFUSED") })],
    ["a failure three causes deep", new Error("a", { cause: new Error("b", { cause: new Error("c", { cause: withCode("57P01") }) }) })],
  ])("%s is a dependency failure", (_, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  test.each([
    ["an undefined table (42P01)", withCode("42P01", 'relation "nope" does not exist')],
    ["a unique violation (23505)", withCode("23505", "duplicate key value violates unique constraint")],
    ["a syntax error (42601)", withCode("42601")],
    ["a plain programming error", new TypeError("Cannot read properties of undefined")],
    ["a cause past five levels", new Error("1", { cause: new Error("2", { cause: new Error("3", { cause: new Error("4", { cause: new Error("5", { cause: withCode("ECONNREFUSED") }) }) }) }) })],
    ["a string", "ECONNREFUSED"],
    ["nothing", undefined],
  ])("%s is not", (_, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });
});
