import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "./router-types.js";

export type ApiError = TRPCClientError<AppRouter>;

export function isApiError(error: unknown): error is ApiError {
  return error instanceof TRPCClientError;
}

/** No session (or an invalid one): send the user to sign in. */
export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.data?.code === "UNAUTHORIZED";
}

/** Signed in, but not allowed. */
export function isForbidden(error: unknown): boolean {
  return isApiError(error) && error.data?.code === "FORBIDDEN";
}

/** Per-field messages of a refused input, e.g. `{ theme: ["Invalid option…"] }`; empty otherwise. */
export function fieldErrors(error: unknown): Record<string, string[] | undefined> {
  return isApiError(error) ? (error.data?.zodError?.fieldErrors ?? {}) : {};
}

/** The server was not reached (or answered with something that is not keyway's): worth trying again. */
export function isNetworkError(error: unknown): boolean {
  return isApiError(error) && error.data === undefined && error.shape === undefined;
}
