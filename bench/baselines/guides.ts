// keyway's Better Auth integrated as the tRPC and Better Auth guides show it: tRPC's Fastify
// adapter, `auth.api.getSession` in every request's context, no session cache and no logging.
// Same auth configuration and database as the keyway server it is compared with.
import { initTRPC, TRPCError } from "@trpc/server";
import { type CreateFastifyContextOptions, fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import { fromNodeHeaders } from "better-auth/node";
import Fastify from "fastify";
import superjson from "superjson";
import { openDatabase } from "../../db/client.js";
import { createAuth } from "../../server/auth/auth.js";
import { loadConfig } from "../../server/config.js";
import { createMailDelivery } from "../../server/mail/create-mailer.js";

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, poolMax: config.dbPoolMax });
const app = Fastify({ logger: false });
const auth = createAuth(config, database.db, { mailer: createMailDelivery(config, database.db, app.log).mailer });

const t = initTRPC.context<{ session: Awaited<ReturnType<typeof auth.api.getSession>> }>().create({ transformer: superjson });
const router = t.router({
  me: t.router({
    get: t.procedure.query(({ ctx }) => {
      if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED" });
      return ctx.session.user;
    }),
  }),
});

app.get("/ready", async () => ({ status: "ready" }));
await app.register(fastifyTRPCPlugin, {
  prefix: "/trpc",
  trpcOptions: { router, createContext: async ({ req }: CreateFastifyContextOptions) => ({ session: await auth.api.getSession({ headers: fromNodeHeaders(req.headers) }) }) },
});
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
