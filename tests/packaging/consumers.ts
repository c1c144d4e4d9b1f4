/** The scratch projects of sdk-install.test.ts: what a team outside the repository would write. */

/** Signs up, signs in, calls a query and signs out. No top-level await: CommonJS compiles it too. */
export const FLOW = `
import { createClient, isUnauthorized, type RouterOutputs } from "@keyway/sdk";

async function main() {
  const keyway = createClient({ baseUrl: process.env.KEYWAY_URL ?? "" });
  const email = \`consumer-\${Date.now()}-\${process.pid}@example.com\`;
  const password = "correct horse battery staple";
  const signUp = await keyway.auth.signUp.email({ email, password, name: "Consumer" });
  if (signUp.error) throw new Error(\`sign-up: \${signUp.error.code}\`);
  await keyway.signOut();

  const signIn = await keyway.auth.signIn.email({ email, password });
  if (signIn.error) throw new Error(\`sign-in: \${signIn.error.code}\`);
  const me: RouterOutputs["me"]["get"] = await keyway.api.me.get.query();
  await keyway.signOut();

  let afterSignOut = "answered";
  try {
    await keyway.api.me.get.query();
  } catch (error) {
    afterSignOut = isUnauthorized(error) ? "unauthorized" : String(error);
  }
  console.log(JSON.stringify({ email: me.email === email, joinedIsDate: me.createdAt instanceof Date, afterSignOut }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** Must not compile: a wrong input and a wrong output type. */
export const WRONG = `
import { createClient } from "@keyway/sdk";
const keyway = createClient({ baseUrl: "http://127.0.0.1:3000" });
await keyway.api.settings.update.mutate({ theme: "purple" });
const email: number = (await keyway.api.me.get.query()).email;
`;

export type ModuleSetting = "esm" | "cjs" | "bundler";

export const tsconfig = (setting: ModuleSetting, files: string[]) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      target: "ES2022",
      ...(setting === "bundler" ? { module: "ESNext", moduleResolution: "bundler" } : { module: "NodeNext", moduleResolution: "NodeNext" }),
      lib: ["ES2022", "ESNext.Disposable", "DOM", "DOM.Iterable"],
      types: ["node"],
      jsx: "react-jsx",
      outDir: "out",
    },
    files,
  });
