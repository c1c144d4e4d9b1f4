import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { type Db, migrationsFolder } from "./client.js";

type Rows<T> = { rows: T[] };

/** Tags of the migrations not yet applied, by drizzle's own rule: newer than the last one recorded. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string; when: number }[] };
  const table = (await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)) as unknown as Rows<{ present: boolean }>;
  let last = 0;
  if (table.rows[0]?.present) {
    const applied = (await db.execute(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`)) as unknown as Rows<{ last: string | null }>;
    last = Number(applied.rows[0]?.last ?? 0);
  }
  return readMigrationFiles({ migrationsFolder })
    .filter((file) => file.folderMillis > last)
    .map((file) => journal.entries.find((entry) => entry.when === file.folderMillis)?.tag ?? String(file.folderMillis));
}
