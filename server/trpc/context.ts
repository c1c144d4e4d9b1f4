import { fromNodeHeaders } from "better-auth/node";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import type { Db } from "../../db/client.js";
import { type Auth, type AuthSession, CLIENT_IP_HEADER } from "../auth/auth.js";
import type { SessionReader } from "../auth/read-session.js";
import type { Config } from "../config.js";

export interface ContextDeps {
  auth: Auth;
  sessions: SessionReader;
  db: Db;
  config: Config;
}

export interface InnerContextOptions extends ContextDeps {
  /** The caller's request headers (cookie included): Better Auth's API reads them. */
  headers: Headers;
  /** Receives Set-Cookie values that must reach the caller (refreshed session cookies). */
  setCookies?: (cookies: string[]) => void;
}

/** The context without a request: what tests and scripts build directly. */
export function createInnerContext({ auth, sessions, db, config, headers, setCookies = () => {} }: InnerContextOptions) {
  let session: Promise<AuthSession | null> | undefined;
  return {
    auth,
    db,
    config,
    headers,
    setCookies,
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
    return createInnerContext({ ...deps, headers, setCookies: (cookies) => res.header("set-cookie", cookies) });
  };
}

export type Context = ReturnType<typeof createInnerContext>;
