import type { BetterAuthClientPlugin } from "better-auth/client";
import type { githubPat } from "../../server/auth/plugins/github-pat.js";

/** `client.auth.patSignIn({ pat })`: sign in with a GitHub personal access token. */
export const githubPatClient = () =>
  ({
    id: "github-pat",
    $InferServerPlugin: {} as ReturnType<typeof githubPat>,
    getActions: ($fetch) => ({
      patSignIn: (body: { pat: string }) => $fetch<{ success: true }>("/pat-signin", { method: "POST", body }),
    }),
  }) satisfies BetterAuthClientPlugin;
