import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint, createAuthMiddleware, isAPIError } from "better-auth/api";
import * as z from "zod";

/**
 * Magic links land on a page of ours (GET /confirm-link/magic-link, the token after `#` so no
 * server or proxy log sees it); its button POSTs the token from the same site, and only that
 * POST signs in. A cross-site redirect to the link, or a cross-site form post, signs no one in.
 */
const CONFIRM_PATH = "/confirm-link/magic-link";

/** The mailed link: our confirm page, the token in the fragment. */
export function confirmLinkUrl(betterAuthUrl: string) {
  const given = new URL(betterAuthUrl);
  const token = given.searchParams.get("token") ?? "";
  const apiBase = given.pathname.replace(/\/magic-link\/verify$/, "");
  const page = new URL(`${apiBase}${CONFIRM_PATH}`, given.origin);
  const callbackURL = given.searchParams.get("callbackURL");
  if (callbackURL) page.searchParams.set("callbackURL", callbackURL);
  page.hash = encodeURIComponent(token);
  return page.toString();
}

export const LINK_CONFIRM_ERROR_CODES = defineErrorCodes({
  CROSS_SITE_CONFIRMATION: "Confirm from the page the link opened.",
});

const SCRIPT = `const f=document.getElementById("confirm");f.elements.token.value=decodeURIComponent(location.hash.slice(1));history.replaceState(null,"",location.pathname+location.search);`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Refuses unless the browser says the post comes from a trusted origin of the same site. */
const sameSiteOnly = createAuthMiddleware(async (ctx) => {
  if (!ctx.request) return;
  const origin = ctx.request.headers.get("origin");
  const site = ctx.request.headers.get("sec-fetch-site");
  const trusted = !!origin && origin !== "null" && ctx.context.isTrustedOrigin(origin, { allowRelativePaths: false });
  // Under Referrer-Policy: no-referrer, Chromium sends "Origin: null" from our own page; Fetch Metadata still says same-origin.
  const ownPage = (!origin || origin === "null") && site === "same-origin";
  if (!(trusted || ownPage) || (site && site !== "same-origin" && site !== "same-site")) {
    throw APIError.from("FORBIDDEN", LINK_CONFIRM_ERROR_CODES.CROSS_SITE_CONFIRMATION);
  }
});

export function linkConfirm() {
  return {
    id: "keyway-link-confirm",
    $ERROR_CODES: LINK_CONFIRM_ERROR_CODES,
    endpoints: {
      confirmMagicLinkPage: createAuthEndpoint(
        CONFIRM_PATH,
        { method: "GET", query: z.object({ callbackURL: z.string().optional() }), metadata: { isAction: false } },
        async (ctx) => {
          const callbackURL = ctx.query.callbackURL ?? "/";
          const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<script src="${escape(`${new URL(ctx.context.baseURL).pathname}/confirm-link/script.js`)}" defer></script></head>
<body><main><h1>Sign in</h1><p>Continue to sign in with the link from your email.</p>
<form id="confirm" method="post" action=""><input type="hidden" name="token" value="">
<input type="hidden" name="callbackURL" value="${escape(callbackURL)}"><button type="submit">Sign in</button></form></main></body></html>`;
          let target = "";
          if (ctx.context.isTrustedOrigin(callbackURL, { allowRelativePaths: false })) target = ` ${new URL(callbackURL).origin}`;
          return new Response(html, {
            headers: {
              "content-type": "text/html; charset=utf-8",
              "content-security-policy": `default-src 'none'; script-src 'self'; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`,
            },
          });
        },
      ),
      confirmLinkScript: createAuthEndpoint("/confirm-link/script.js", { method: "GET", metadata: { isAction: false } }, async () =>
        new Response(SCRIPT, { headers: { "content-type": "text/javascript; charset=utf-8" } }),
      ),
      confirmMagicLink: createAuthEndpoint(
        CONFIRM_PATH,
        {
          method: "POST",
          body: z.object({ token: z.string().min(1), callbackURL: z.string().optional() }),
          use: [sameSiteOnly],
          metadata: { allowedMediaTypes: ["application/x-www-form-urlencoded", "application/json"] },
        },
        async (ctx) => {
          const plugin = ctx.context.options.plugins?.find((p) => p.id === "magic-link");
          const verify = plugin?.endpoints?.magicLinkVerify as ((c: unknown) => Promise<{ headers: Headers }>) | undefined;
          if (!verify) throw APIError.fromStatus("NOT_FOUND");
          const callbackURL = ctx.body.callbackURL ?? "/";
          let result: { headers: Headers };
          try {
            result = await verify({ ...ctx, method: "GET", body: undefined, query: { token: ctx.body.token }, asResponse: false, returnHeaders: true });
          } catch (error) {
            if (!isAPIError(error)) throw error;
            const location = new URL(callbackURL, ctx.context.baseURL);
            location.searchParams.set("error", "INVALID_TOKEN");
            throw ctx.redirect(location.toString());
          }
          for (const cookie of result.headers.getSetCookie()) ctx.responseHeaders?.append("set-cookie", cookie);
          throw ctx.redirect(new URL(callbackURL, ctx.context.baseURL).toString());
        },
      ),
    },
    hooks: {
      // The bare GET link signs in no one; the page above is the way in.
      before: [
        {
          matcher: (context) => context.path === "/magic-link/verify",
          handler: createAuthMiddleware(async (ctx) => {
            if (ctx.request) throw APIError.fromStatus("NOT_FOUND");
          }),
        },
      ],
    },
    rateLimit: [{ pathMatcher: (path) => path.startsWith("/confirm-link/magic-link"), window: 60, max: 10 }],
  } satisfies BetterAuthPlugin;
}
