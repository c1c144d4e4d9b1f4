import superjson, { type SuperJSONResult } from "superjson";

const serialized = new WeakMap<object, SuperJSONResult>();

/**
 * superjson, serializing a frozen object only once: a frozen answer (such as a cached
 * session's public user, see toPublicUser) is sent as often as it is asked for.
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
