import { fromNodeHeaders } from "better-auth/node";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../../db/client.js";
import type { AccessDecider, Decision } from "../auth/access.js";
import type { Auth, AuthSession } from "../auth/auth.js";
import { CLIENT_IP_HEADER } from "../auth/auth-headers.js";
import type { Config } from "../config.js";
import type { KnownService } from "../service-auth/registry.js";
import { bearerToken, type ServiceTokenVerifier } from "../service-auth/verify.js";

export interface ContextDeps {
  auth: Auth;
  access: AccessDecider;
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

/** The context of the calls made with `headers`: one per HTTP request (`contextFactory`), or per createCaller in tests/unit. */
export function createInnerContext(options: InnerContextOptions) {
  const { auth, access, serviceTokens, db, config, headers, setCookies = () => {}, log = silent } = options;
  let decision: Promise<Decision> | undefined;
  const getAccess = () =>
    (decision ??= access.decide(headers).then((result) => {
      if (result.setCookies.length > 0) setCookies(result.setCookies);
      return result.decision;
    }));
  let service: Promise<KnownService | null> | undefined;
  let calls = 0;
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
        const token = bearerToken(headers.get("authorization"));
        return token ? serviceTokens.verify(token) : null;
      })()),
    /** The access decision, made once per request and only when a procedure asks for it. */
    getAccess,
    /** Who is signed in, as far as the access decision lets them be; null otherwise. */
    getSession: async (): Promise<AuthSession | null> => {
      const { access: granted } = await getAccess();
      return granted?.current ?? null;
    },
    /** Counts this request's procedure calls: an API key pays for each call of a batch. */
    nextCall: () => ++calls,
  };
}

export function contextFactory(deps: ContextDeps) {
  return ({ req, res }: CreateFastifyContextOptions) => {
    const headers = fromNodeHeaders(req.headers);
    headers.set(CLIENT_IP_HEADER, req.ip);
    return createInnerContext({ ...deps, headers, log: req.log, setCookies: (cookies) => void res.header("set-cookie", cookies) });
  };
}

export type Context = ReturnType<typeof createInnerContext>;
