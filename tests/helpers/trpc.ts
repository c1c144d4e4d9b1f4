import { TRPCClientError } from "@trpc/client";
import { expect } from "vitest";
import type { AppRouter } from "../../server/trpc/router.js";

/** Awaits a call that must fail, and returns the typed tRPC error the client saw. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}
