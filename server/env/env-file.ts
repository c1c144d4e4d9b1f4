import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/**
 * Adds the variables of `path` (a `.env` file, when there is one) to `env`. A variable the
 * environment already has keeps its value: the environment wins over the file.
 */
export function readEnvFile(env: Record<string, string | undefined> = process.env, path = ".env") {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const added: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[name] !== undefined) continue;
    env[name] = value;
    added.push(name);
  }
  return added;
}
