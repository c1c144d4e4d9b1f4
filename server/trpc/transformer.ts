import { TRPCError } from "@trpc/server";
import superjson, { type SuperJSONResult } from "superjson";

const serialized = new WeakMap<object, SuperJSONResult>();

/** The only value types our procedures' inputs hold beyond JSON (audit filters' dates; the client's unset fields). */
const INPUT_VALUE_TYPES = new Set(["Date", "undefined"]);
/** Annotations one input may carry, and path segments one annotation may walk. */
const MAX_ANNOTATIONS = 500;
const MAX_PATH_DEPTH = 16;
const MAX_KEY_LENGTH = 200;

/** What a client that does not use our SDK must send: the wire format of docs/api.md. */
export const ENVELOPE_EXPECTED =
  'Input must be superjson\'s envelope {"json": <input>}: a GET sends it URL-encoded in ?input=, a POST as its JSON body, and a batch maps each call\'s index to one envelope ({"0": {"json": …}}). See docs/api.md.';

const refuse = (message = "Input encoding not accepted"): never => {
  throw new TRPCError({ code: "BAD_REQUEST", message });
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Checks superjson's `meta.values` tree before superjson walks it: only our value types, a bounded
 * number of annotations, each on a bounded path. Stops at the first step over a bound, so refusing
 * costs no more than the bounds allow, whatever the size of the input.
 */
function checkValueTree(tree: unknown, depth: number, budget: { left: number }): void {
  if (Array.isArray(tree)) {
    const [type, children, ...rest] = tree as unknown[];
    if (rest.length > 0 || typeof type !== "string" || !INPUT_VALUE_TYPES.has(type)) refuse();
    if (--budget.left < 0) refuse();
    if (children !== undefined) checkChildren(children, depth, budget);
    return;
  }
  checkChildren(tree, depth, budget);
}

function checkChildren(children: unknown, depth: number, budget: { left: number }): void {
  if (!isPlainObject(children)) refuse();
  for (const key in children as Record<string, unknown>) {
    if (key.length > MAX_KEY_LENGTH) refuse();
    const segments = key.split(".").length;
    if (depth + segments > MAX_PATH_DEPTH || --budget.left < 0) refuse();
    checkValueTree((children as Record<string, unknown>)[key], depth + segments, budget);
  }
}

/**
 * Inputs as our SDK sends them, `{ json, meta? }`, with no superjson feature our procedures do not
 * use: no referential equalities (their paths cost quadratic time to apply), no Sets, Maps, classes
 * or other value types, and a bounded annotation tree.
 */
function deserialize(input: unknown): unknown {
  // `{}` is the envelope of no input (`{"json": undefined}` once stringified).
  if (!isPlainObject(input)) refuse(ENVELOPE_EXPECTED);
  const { json, meta, ...rest } = input as { json?: unknown; meta?: unknown };
  if (Object.keys(rest).length > 0) refuse(ENVELOPE_EXPECTED);
  if (meta !== undefined) {
    if (!isPlainObject(meta)) refuse();
    const { values, v, ...other } = meta as { values?: unknown; v?: unknown };
    if (Object.keys(other).length > 0 || (v !== undefined && v !== 1)) refuse();
    if (values !== undefined) checkValueTree(values, 0, { left: MAX_ANNOTATIONS });
  }
  try {
    // The input was parsed from this request's body just now: nothing else holds it.
    return superjson.deserialize({ json: json as never, meta: meta as SuperJSONResult["meta"] }, { inPlace: true });
  } catch {
    return refuse();
  }
}

/**
 * superjson, except that a frozen answer is serialized once and its serialized form reused
 * for as long as the answer lives (a cached session's public user: see toPublicUser), and that
 * inputs are held to what our procedures take (see deserialize).
 * Whatever a frozen answer holds must not change either.
 */
export const transformer = {
  input: {
    serialize: superjson.serialize,
    deserialize,
  },
  output: {
    serialize(value: unknown): SuperJSONResult {
      if (typeof value !== "object" || value === null || !Object.isFrozen(value)) return superjson.serialize(value);
      let result = serialized.get(value);
      if (result === undefined) serialized.set(value, (result = superjson.serialize(value)));
      return result;
    },
    deserialize: superjson.deserialize,
  },
};
