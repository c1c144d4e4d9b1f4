import { auditActor } from "../../audit/actor.js";
import { getSettings, settingsPatch, updateSettings } from "../../settings/user-settings.js";
import { router } from "../init.js";
import { protectedProcedure, selfServiceProcedure } from "../procedures.js";

export const settingsRouter = router({
  get: protectedProcedure.query(({ ctx }) => getSettings(ctx.db, ctx.user.id)),
  update: selfServiceProcedure.input(settingsPatch).mutation(({ ctx, input }) =>
    updateSettings(ctx.db, ctx.user.id, input, auditActor(ctx)),
  ),
});
