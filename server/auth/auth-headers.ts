/** Set by our mount from Fastify's `request.ip`; any client-sent value is replaced. */
export const CLIENT_IP_HEADER = "x-keyway-client-ip";
