/** Set by our mount from Fastify's `request.ip`; any client-sent value is replaced. */
export const CLIENT_IP_HEADER = "x-keyway-client-ip";

/** Where scripts present an API key (Better Auth's api-key plugin reads it). */
export const API_KEY_HEADER = "x-api-key";
