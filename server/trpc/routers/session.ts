import { toPublicSession } from "../../auth/public-session.js";
import { router } from "../init.js";
import { publicProcedure } from "../procedures.js";

export const sessionRouter = router({
  get: publicProcedure.query(async ({ ctx }) => {
    const current = await ctx.getSession();
    return current ? toPublicSession(current) : null;
  }),
});
