import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "./router-types.js";

/**
 * What every failure of the SDK carries, from `c.auth.*` (as `result.error`) and `c.api.*`
 * (thrown) alike. `code` is the server's own (`INVALID_EMAIL_OR_PASSWORD`, `BANNED_USER`,
 * `API_KEY_NOT_ALLOWED`, `IMPERSONATION_ENDED`, `ACCOUNT_TEMPORARILY_LOCKED`…), else the name
 * of the HTTP status (`UNAUTHORIZED`, `TOO_MANY_REQUESTS`…), and `NETWORK_ERROR` with
 * `status` 0 when the server was not reached.
 */
export interface KeywayError extends Error {
  readonly code: string;
  readonly status: number;
}

/** A thrown `c.api.*` failure: tRPC's error (with `data.zodError` for refused input) plus `code` and `status`. */
export type ApiError = TRPCClientError<AppRouter> & KeywayError;

export const NETWORK_ERROR = "NETWORK_ERROR";

const STATUS_NAMES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};
const nameOfStatus = (status: number) => STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");

/** A refused `c.auth.*` call or a server not reached; also what `toKeywayError` makes of anything else. */
export class KeywayRequestError extends Error implements KeywayError {
  readonly code: string;
  readonly status: number;
  readonly statusText: string;
  constructor(init: { code?: string | null; status: number; statusText?: string; message?: string | null }, options?: { cause?: unknown }) {
    super(init.message || init.statusText || nameOfStatus(init.status), options);
    this.name = "KeywayError";
    this.status = init.status;
    this.code = init.code || (init.status === 0 ? NETWORK_ERROR : nameOfStatus(init.status));
    this.statusText = init.statusText ?? "";
  }
}

/** fetch that reports a server not reached (refused, reset, DNS, offline) as a KeywayError: both clients use it. */
export function reportNetworkErrors(baseFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await baseFetch(input, init);
    } catch (cause) {
      if (cause instanceof Error && cause.name === "AbortError") throw cause;
      throw new KeywayRequestError({ status: 0, message: "keyway could not be reached" }, { cause });
    }
  };
}

/** keyway's error body outside tRPC's envelope, `{ code, message }`: what refuses a call before tRPC reads it (a body too large, a foreign origin, shutdown). */
function keywayErrorBody(json: unknown): { code: string; message: string } | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { code, message } = json as { code?: unknown; message?: unknown };
  return typeof code === "string" && typeof message === "string" ? { code, message } : undefined;
}

/**
 * tRPC's error with `code` (the server's `data.reason`, else tRPC's code, else the code of
 * keyway's `{code, message}` body) and `status`. An error with no keyway answer in it
 * (connection refused, or a proxy's own page) is NETWORK_ERROR.
 */
export function asApiError(error: TRPCClientError<AppRouter>): ApiError {
  if (isKeywayError(error)) return error as ApiError;
  const answered = error.data ?? undefined;
  const response = error.meta?.response as { status?: number } | undefined;
  const body = answered ? undefined : keywayErrorBody(error.meta?.responseJSON);
  const status = answered?.httpStatus ?? response?.status ?? 0;
  const code = answered ? (answered.reason ?? answered.code) : (body?.code ?? NETWORK_ERROR);
  if (body) error.message = body.message;
  return Object.defineProperties(error, { code: { value: code, enumerable: true }, status: { value: status, enumerable: true } }) as ApiError;
}

export function isKeywayError(error: unknown): error is KeywayError {
  return error instanceof Error && typeof (error as Partial<KeywayError>).code === "string" && typeof (error as Partial<KeywayError>).status === "number";
}

/** Any failure as a KeywayError: a thrown `c.api.*` error, an `error` of `c.auth.*`, or anything else thrown. */
export function toKeywayError(error: unknown): KeywayError {
  if (error instanceof TRPCClientError) return asApiError(error);
  if (isKeywayError(error)) return error;
  return new KeywayRequestError({ status: 500, message: error instanceof Error ? error.message : String(error) }, { cause: error });
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof TRPCClientError;
}

const statusOf = (error: unknown) => (isKeywayError(error) || error instanceof TRPCClientError ? toKeywayError(error).status : undefined);

/** No session, an invalid or ended one (401): send the user to sign in. */
export function isUnauthorized(error: unknown): boolean {
  return statusOf(error) === 401;
}

/** Signed in (or known), but not allowed (403): e.g. `BANNED_USER`, `API_KEY_NOT_ALLOWED`, `SESSION_NOT_FRESH`. */
export function isForbidden(error: unknown): boolean {
  return statusOf(error) === 403;
}

/** Too many calls or failed attempts (429): try again later. */
export function isRateLimited(error: unknown): boolean {
  return statusOf(error) === 429;
}

/** The server was not reached: worth trying again. */
export function isNetworkError(error: unknown): boolean {
  return (isKeywayError(error) || error instanceof TRPCClientError) && toKeywayError(error).code === NETWORK_ERROR;
}

/** Per-field messages of a refused input, e.g. `{ theme: ["Invalid option…"] }`; empty otherwise. */
export function fieldErrors(error: unknown): Record<string, string[] | undefined> {
  return isApiError(error) ? (error.data?.zodError?.fieldErrors ?? {}) : {};
}
