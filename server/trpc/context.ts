import { fromNodeHeaders } from "better-auth/node";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../../db/client.js";
import type { Auth, AuthSession } from "../auth/auth.js";
import { CLIENT_IP_HEADER } from "../auth/auth-headers.js";
import type { SessionReader } from "../auth/read-session.js";
import type { Config } from "../config.js";
import type { KnownService } from "../service-auth/registry.js";
import type { ServiceTokenVerifier } from "../service-auth/verify.js";

export interface ContextDeps {
  auth: Auth;
  sessions: SessionReader;
  serviceTokens: ServiceTokenVerifier;
  db: Db;
  config: Config;
}

export interface InnerContextOptions extends ContextDeps {
  /** The caller's request headers (cookie included): Better Auth's API reads them. */
  headers: Headers;
  /** Receives Set-Cookie values that must reach the caller (refreshed session cookies). */
  setCookies?: (cookies: string[]) => void;
  log?: Pick<FastifyBaseLogger, "warn" | "info" | "error">;
}

const silent = { warn() {}, info() {}, error() {} };

/** The context without a request: what tests and scripts build directly. */
export function createInnerContext(options: InnerContextOptions) {
  const { auth, sessions, serviceTokens, db, config, headers, setCookies = () => {}, log = silent } = options;
  let session: Promise<AuthSession | null> | undefined;
  let service: Promise<KnownService | null> | undefined;
  // tRPC copies this object key by key at every middleware that adds to it: keep it to what procedures use.
  return {
    log,
    auth,
    db,
    config,
    headers,
    setCookies,
    /**
     * Verifies the request's service token once per HTTP request (a batch shares one token,
     * and a token id may be used once); null without a bearer token.
     */
    getService: () =>
      (service ??= (async () => {
        const match = /^Bearer (\S+)$/.exec(headers.get("authorization") ?? "");
        return match ? serviceTokens.verify(match[1]!) : null;
      })()),
    /** Reads the session once per request, only when a procedure asks for it. */
    getSession: () =>
      (session ??= sessions.read(headers).then((read) => {
        if (read.setCookies.length > 0) setCookies(read.setCookies);
        return read.session;
      })),
  };
}

export function contextFactory(deps: ContextDeps) {
  return ({ req, res }: CreateFastifyContextOptions) => {
    const headers = fromNodeHeaders(req.headers);
    headers.set(CLIENT_IP_HEADER, req.ip);
    return createInnerContext({ ...deps, headers, log: req.log, setCookies: (cookies) => res.header("set-cookie", cookies) });
  };
}

export type Context = ReturnType<typeof createInnerContext>;
