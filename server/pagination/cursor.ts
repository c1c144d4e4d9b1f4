import { z } from "zod";

/** An opaque keyset cursor for lists ordered by (time, id), newest first. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString("base64url");
}

/** undefined for anything that is not a cursor we made. */
export function decodeCursor(cursor: string): { at: Date; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  return id && !Number.isNaN(date.getTime()) ? { at: date, id } : undefined;
}

/**
 * The paging fields of a list's input. tRPC's `infiniteQueryOptions` sends `cursor: null`
 * for the first page and a `direction`; our lists only page forward.
 */
export const pageFields = (maxLimit: number, defaultLimit: number) => ({
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(maxLimit).default(defaultLimit),
  direction: z.literal("forward").optional(),
});
