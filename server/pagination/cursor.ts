import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";

/**
 * Opaque keyset cursors for lists ordered by (time, id), newest first. The time is carried as
 * PostgreSQL keeps it, to the microsecond (a JavaScript Date keeps milliseconds, and rows that
 * differ only below a millisecond would be skipped or repeated between pages).
 */
const MICROSECOND_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The row's time as its cursor carries it: select it beside the row. */
export const cursorTime = (column: PgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString("base64url");
}

/** undefined for anything that is not a cursor we made. */
export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value as unknown[];
    if (typeof at !== "string" || !MICROSECOND_UTC.test(at) || Number.isNaN(Date.parse(at))) return undefined;
    return typeof id === "string" && id.length > 0 && id.length <= 255 ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}

/** The rows after a cursor, in (time, id) descending order; nothing for the first page. */
export function afterCursor(time: PgColumn, id: PgColumn, cursor: string | null | undefined): SQL | undefined {
  const after = cursor ? decodeCursor(cursor) : undefined;
  return after ? sql`(${time}, ${id}) < (${after.at}::timestamptz, ${after.id})` : undefined;
}

/** A page from `limit + 1` rows selected with their `cursorAt`, and the cursor of the page after it. */
export function toPage<Row extends { id: string }>(selected: { row: Row; cursorAt: string }[], limit: number) {
  const page = selected.slice(0, limit);
  const last = page[page.length - 1];
  return {
    page: page.map(({ row }) => row),
    nextCursor: selected.length > limit && last ? encodeCursor(last.cursorAt, last.row.id) : null,
  };
}

/**
 * The paging fields of a list's input. tRPC's `infiniteQueryOptions` sends `cursor: null`
 * for the first page and a `direction`; our lists only page forward.
 */
export const pageFields = (maxLimit: number, defaultLimit: number) => ({
  cursor: z
    .string()
    .max(400)
    .refine((cursor) => decodeCursor(cursor) !== undefined, { message: "Not a cursor from this list" })
    .nullish(),
  limit: z.number().int().min(1).max(maxLimit).default(defaultLimit),
  direction: z.literal("forward").optional(),
});
