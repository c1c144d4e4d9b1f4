import { z } from "zod";
import { authCall } from "../auth-call.js";
import { router } from "../init.js";
import { freshSessionProcedure, protectedProcedure, selfServiceProcedure } from "../procedures.js";

const DAY = 24 * 60 * 60;

export const apiKeysRouter = router({
  /** The key is in this answer only; keyway keeps its hash. */
  create: freshSessionProcedure
    .input(z.object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(365).optional() }).strict())
    .mutation(async ({ ctx, input }) => {
      const created = await authCall(
        ctx,
        (api, request) => api.createApiKey({ ...request, body: { name: input.name, expiresIn: input.expiresInDays ? input.expiresInDays * DAY : undefined } }),
      );
      return { id: created.id, name: created.name, key: created.key, start: created.start, expiresAt: created.expiresAt, createdAt: created.createdAt };
    }),
  list: protectedProcedure.query(async ({ ctx }) => {
    const { apiKeys } = await authCall(ctx, (api, request) => api.listApiKeys(request));
    return apiKeys.map((key) => ({ id: key.id, name: key.name, start: key.start, expiresAt: key.expiresAt, lastRequest: key.lastRequest, createdAt: key.createdAt }));
  }),
  delete: selfServiceProcedure.input(z.object({ id: z.string().min(1).max(255) }).strict()).mutation(async ({ ctx, input }) => {
    await authCall(ctx, (api, request) => api.deleteApiKey({ ...request, body: { keyId: input.id } }));
    return { deleted: true as const };
  }),
});
