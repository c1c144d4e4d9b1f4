import { router } from "./init.js";
import { publicProcedure } from "./procedures.js";
import { accountRouter } from "./routers/account.js";
import { adminRouter } from "./routers/admin.js";
import { apiKeysRouter } from "./routers/api-keys.js";
import { meRouter } from "./routers/me.js";
import { sessionRouter } from "./routers/session.js";
import { sessionsRouter } from "./routers/sessions.js";
import { projectsRouter } from "./routers/projects.js";
import { serviceRouter } from "./routers/service.js";
import { settingsRouter } from "./routers/settings.js";

export const appRouter = router({
  health: publicProcedure.query(() => ({ status: "ok" as const })),
  session: sessionRouter,
  me: meRouter,
  account: accountRouter,
  apiKeys: apiKeysRouter,
  settings: settingsRouter,
  sessions: sessionsRouter,
  admin: adminRouter,
  service: serviceRouter,
  projects: projectsRouter,
});

export type AppRouter = typeof appRouter;
