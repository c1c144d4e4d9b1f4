import superjson, { type SuperJSONResult } from "superjson";

const serialized = new WeakMap<object, SuperJSONResult>();

/**
 * superjson, except that a frozen answer is serialized once and its serialized form reused
 * for as long as the answer lives (a cached session's public user: see toPublicUser).
 * Whatever a frozen answer holds must not change either.
 */
export const transformer = {
  serialize(value: unknown): SuperJSONResult {
    if (typeof value !== "object" || value === null || !Object.isFrozen(value)) return superjson.serialize(value);
    let result = serialized.get(value);
    if (result === undefined) serialized.set(value, (result = superjson.serialize(value)));
    return result;
  },
  deserialize: superjson.deserialize,
};
