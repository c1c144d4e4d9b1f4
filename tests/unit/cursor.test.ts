import { describe, expect, test } from "vitest";
import { z } from "zod";
import { decodeCursor, encodeCursor, pageFields, toPage } from "../../server/pagination/cursor.js";

const AT = "2026-12-04T18:45:15.123456Z";
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("keyset cursors", () => {
  test("a cursor gives back the time to the microsecond and the id it was made from", () => {
    const cursor = encodeCursor(AT, "row-1");
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ at: AT, id: "row-1" });
  });

  test.each([
    ["not base64url JSON", "%%%"],
    ["a bare string", raw("row-1")],
    ["one element", raw([AT])],
    ["three elements", raw([AT, "row-1", "extra"])],
    ["a time in milliseconds", raw(["2026-12-04T18:45:15.123Z", "row-1"])],
    ["a time with an offset", raw(["2026-12-04T18:45:15.123456+01:00", "row-1"])],
    ["an impossible date", raw(["2026-13-45T18:45:15.123456Z", "row-1"])],
    ["an empty id", raw([AT, ""])],
    ["an id longer than 255", raw([AT, "x".repeat(256)])],
    ["a number for the id", raw([AT, 1])],
  ])("%s is not a cursor", (_, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});

describe("pages", () => {
  const rows = ["a", "b", "c"].map((id, i) => ({ row: { id }, cursorAt: `2026-12-04T18:45:1${5 - i}.000000Z` }));

  test("limit + 1 rows: a full page and the cursor of its last row", () => {
    const { page, nextCursor } = toPage(rows, 2);
    expect(page).toEqual([{ id: "a" }, { id: "b" }]);
    expect(decodeCursor(nextCursor!)).toEqual({ at: rows[1]!.cursorAt, id: "b" });
  });

  test("no more rows than the limit: the last page, no cursor", () => {
    expect(toPage(rows, 3)).toEqual({ page: [{ id: "a" }, { id: "b" }, { id: "c" }], nextCursor: null });
    expect(toPage([], 3)).toEqual({ page: [], nextCursor: null });
  });

  test("a list's input takes its own cursors and null, and refuses anything else", () => {
    const input = z.object(pageFields(100, 20));
    expect(input.parse({})).toEqual({ limit: 20 });
    expect(input.parse({ cursor: null, direction: "forward" })).toEqual({ cursor: null, limit: 20, direction: "forward" });
    expect(input.parse({ cursor: encodeCursor(AT, "row-1"), limit: 5 }).cursor).toBe(encodeCursor(AT, "row-1"));
    const refused = input.safeParse({ cursor: raw([AT, ""]), limit: 101, direction: "backward" });
    expect(refused.success).toBe(false);
    expect(z.flattenError(refused.error!).fieldErrors).toEqual({
      cursor: ["Not a cursor from this list"],
      limit: [expect.stringMatching(/100/)],
      direction: [expect.any(String)],
    });
  });
});
