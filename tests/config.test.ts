import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/config.js";

const run = promisify(execFile);

async function start(env: Record<string, string>) {
  try {
    await run(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: "" };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, stderr: failed.stderr ?? "" };
  }
}

describe("configuration", () => {
  it("works with no variables at all in development", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: "development", host: "127.0.0.1", port: 3000, dataDir: "./.data" });
    expect(config.session).toMatchObject({ expiresIn: 604800, updateAge: 86400, cookieCache: true, cookieCacheMaxAge: 300 });
    expect(config.trustedOrigins).toEqual(["http://127.0.0.1:3000"]);
  });

  it("reads TRUSTED_ORIGINS as a comma list and names every bad variable at once", () => {
    expect(loadConfig({ TRUSTED_ORIGINS: "https://a.example, https://b.example/" }).trustedOrigins).toEqual([
      "http://127.0.0.1:3000",
      "https://a.example",
      "https://b.example",
    ]);
    const error = (() => {
      try {
        loadConfig({ PORT: "eighty", TRUSTED_ORIGINS: "not a url", SESSION_COOKIE_CACHE: "maybe" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.split(" ")[0])).toEqual(
      expect.arrayContaining(["PORT", "TRUSTED_ORIGINS.0", "SESSION_COOKIE_CACHE"]),
    );
  });

  it("refuses to start in production without secret, URL and trusted origins, naming each", async () => {
    const { code, stderr } = await start({ NODE_ENV: "production" });
    expect(code).toBe(1);
    expect(stderr).toContain("BETTER_AUTH_SECRET is required in production");
    expect(stderr).toContain("BETTER_AUTH_URL is required in production");
    expect(stderr).toContain("TRUSTED_ORIGINS is required in production");
    expect(stderr).toContain("SMTP_URL is required in production (or MAIL_DISABLED=true to send no mail at all)");
  });

  it("refuses production without a way to deliver mail even with verification off, unless mail is explicitly disabled", async () => {
    const production = {
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: "a-production-secret-of-at-least-32-characters",
      BETTER_AUTH_URL: "https://auth.example.com",
      TRUSTED_ORIGINS: "https://app.example.com",
      REQUIRE_EMAIL_VERIFICATION: "false",
    };
    const { code, stderr } = await start(production);
    expect(code).toBe(1);
    expect(stderr).toContain("SMTP_URL is required in production");
    expect(loadConfig({ ...production, MAIL_DISABLED: "true" }).mail).toMatchObject({ disabled: true, smtpUrl: undefined });
  });

  it("refuses MAIL_DISABLED beside SMTP_URL or with email verification required", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ MAIL_DISABLED: "true", SMTP_URL: "smtp://mail.example.com" })).toEqual(["MAIL_DISABLED contradicts SMTP_URL: set one of them"]);
    expect(problems({ MAIL_DISABLED: "true", REQUIRE_EMAIL_VERIFICATION: "true" })).toEqual([
      "MAIL_DISABLED needs REQUIRE_EMAIL_VERIFICATION=false (nobody could confirm an address)",
    ]);
    expect(problems({ MAIL_MAX_ATTEMPTS: "0", MAIL_RETRY_BASE_SECONDS: "-1" }).map((problem) => problem.split(" ")[0])).toEqual([
      "MAIL_MAX_ATTEMPTS",
      "MAIL_RETRY_BASE_SECONDS",
    ]);
  });

  it("retries mail over more than an hour by default", () => {
    const { maxAttempts, retryBaseSeconds, retryMaxSeconds } = loadConfig({}).mail;
    const waits = Array.from({ length: maxAttempts - 1 }, (_, retry) => Math.min(retryBaseSeconds * 2 ** retry, retryMaxSeconds));
    const waited = waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(60 * 60);
  });

  it("refuses a production secret shorter than 32 characters", async () => {
    const { code, stderr } = await start({
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: "short",
      BETTER_AUTH_URL: "https://auth.example.com",
      TRUSTED_ORIGINS: "https://app.example.com",
      SMTP_URL: "smtp://mail.example.com:587",
    });
    expect(code).toBe(1);
    expect(stderr).toContain("BETTER_AUTH_SECRET must be at least 32 characters");
    expect(stderr).not.toContain("BETTER_AUTH_URL");
  });
});
