import { providerScopes } from "../../auth/scopes.js";
import { router } from "../init.js";
import { protectedProcedure } from "../procedures.js";

export const accountRouter = router({
  scopes: protectedProcedure.query(async ({ ctx }) => ({ scopes: await providerScopes(ctx.db, ctx.user.id) })),
});
