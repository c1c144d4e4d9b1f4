import { CLIENT_IP_HEADER } from "../../auth/auth-headers.js";
import { getSettings, settingsPatch, updateSettings } from "../../settings/user-settings.js";
import { router } from "../init.js";
import { protectedProcedure } from "../procedures.js";

export const settingsRouter = router({
  get: protectedProcedure.query(({ ctx }) => getSettings(ctx.db, ctx.user.id)),
  update: protectedProcedure.input(settingsPatch).mutation(({ ctx, input }) =>
    updateSettings(ctx.db, ctx.user.id, input, {
      actorUserId: ctx.user.id,
      impersonatorId: ctx.session.impersonatedBy ?? null,
      ip: ctx.headers.get(CLIENT_IP_HEADER),
      userAgent: ctx.headers.get("user-agent")?.slice(0, 512) ?? null,
    }),
  ),
});
