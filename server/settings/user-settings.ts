import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { type AuditEventInsert, themes, userSettings } from "../../db/schema/index.js";
import { recordAuditEvent } from "../audit/record.js";

const isLocale = (value: string) => {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
};

const isTimeZone = (value: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

export const settingsPatch = z
  .object({
    theme: z.enum(themes).optional(),
    locale: z.string().max(35).refine(isLocale, "Must be a BCP 47 language tag such as en or pt-BR").optional(),
    timeZone: z.string().max(64).refine(isTimeZone, "Must be an IANA time zone such as Europe/Paris").optional(),
  })
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatch>;

const DEFAULT_SETTINGS = { theme: "system", locale: "en", timeZone: "UTC" } as const;

export async function getSettings(db: Db, userId: string) {
  const [row] = await db
    .select({ theme: userSettings.theme, locale: userSettings.locale, timeZone: userSettings.timeZone })
    .from(userSettings)
    .where(eq(userSettings.userId, userId));
  return row ?? { ...DEFAULT_SETTINGS };
}

/** Saves the change and its audit record in one transaction. */
export async function updateSettings(db: Db, userId: string, patch: SettingsPatch, audit: Omit<AuditEventInsert, "action">) {
  const values = { ...patch, ...(patch.locale ? { locale: Intl.getCanonicalLocales(patch.locale)[0] } : {}) };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(userSettings)
      .values({ ...DEFAULT_SETTINGS, ...values, userId })
      .onConflictDoUpdate({ target: userSettings.userId, set: { ...values, updatedAt: new Date() } })
      .returning({ theme: userSettings.theme, locale: userSettings.locale, timeZone: userSettings.timeZone });
    await recordAuditEvent(tx, { ...audit, action: "settings.update", targetType: "user", targetId: userId, detail: { changed: Object.keys(values) } });
    return row!;
  });
}
