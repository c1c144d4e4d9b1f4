// The framework's floor: tRPC's own Fastify adapter with superjson, one public procedure, no
// logging, on the same Fastify and tRPC versions as keyway. `npm run bench` compares keyway's
// public query with this server's.
import { initTRPC } from "@trpc/server";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";
import superjson from "superjson";

const t = initTRPC.create({ transformer: superjson });
const router = t.router({ health: t.procedure.query(() => ({ status: "ok" as const })) });

const app = Fastify({ logger: false });
app.get("/ready", async () => ({ status: "ready" }));
await app.register(fastifyTRPCPlugin, { prefix: "/trpc", trpcOptions: { router } });
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
