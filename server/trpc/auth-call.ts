import { type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server";
import { isAPIError } from "better-auth/api";
import type { Auth } from "../auth/auth.js";
import type { Context } from "./context.js";

/** tRPC's error code for each HTTP status a refusal may carry. */
const TRPC_CODE_OF_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

/** What every Better Auth call from a procedure sends: the caller's headers, and a request for the answer's cookies. */
export interface AuthRequest {
  headers: Headers;
  returnHeaders: true;
}

/**
 * Runs a Better Auth API call for a procedure, `(api, request) => api.listSessions(request)`:
 * its cookies reach the caller and its refusals become the matching tRPC error with Better
 * Auth's own message.
 */
export async function authCall<T>(
  ctx: Context,
  call: (api: Auth["api"], request: AuthRequest) => Promise<{ headers: Headers | null; response: T }>,
): Promise<T> {
  try {
    const { headers, response } = await call(ctx.auth.api, { headers: ctx.headers, returnHeaders: true });
    const cookies = headers?.getSetCookie() ?? [];
    if (cookies.length > 0) ctx.setCookies(cookies);
    return response;
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
}

/** The server's own code of a refusal (`BANNED_USER`, `IMPERSONATION_ENDED`…): clients read it as `data.reason`. */
export class Refusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The tRPC error for a refusal with HTTP `status`, carrying the server's `reason` code. */
export function refusal(status: number, reason: string, message: string): TRPCError {
  return new TRPCError({ code: TRPC_CODE_OF_STATUS[status] ?? "BAD_REQUEST", message, cause: new Refusal(reason, message) });
}

/** A Better Auth refusal (4xx) as the matching tRPC error, with Better Auth's code; undefined for anything else. */
export function refusalOf(error: unknown): TRPCError | undefined {
  if (!isAPIError(error) || error.statusCode >= 500) return undefined;
  const message = error.body?.message ?? error.message;
  const code = typeof error.body?.code === "string" ? error.body.code : undefined;
  return code ? refusal(error.statusCode, code, message) : new TRPCError({ code: TRPC_CODE_OF_STATUS[error.statusCode] ?? "BAD_REQUEST", message });
}
