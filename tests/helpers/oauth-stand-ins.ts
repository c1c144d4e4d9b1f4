// Small servers speaking the real OAuth/OIDC and GitHub API protocols on loopback.
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export interface FakeUser {
  id: number;
  login: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

async function body(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    Promise.resolve(handler(request, response, url)).catch((error) => json(response, 500, { error: String(error) }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface Grant {
  user: FakeUser;
  redirectUri: string;
  challenge?: string;
  nonce?: string;
  scope: string;
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

/**
 * An OpenID Connect provider: discovery, authorize (auto-consents as `user`), token (with
 * PKCE check, RS256-signed ID token), JWKS and userinfo.
 */
export async function startOidcProvider(options: {
  clientId: string;
  clientSecret: string;
  user: FakeUser;
  /** The `iss` it claims (Google's is fixed); defaults to its own URL. */
  issuer?: string;
  /** Lifetime of access tokens in seconds. */
  accessTokenSeconds?: number;
}) {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, FakeUser>();
  const refreshTokens = new Map<string, FakeUser>();
  const stats = { refreshes: 0 };
  let issuer = "";

  const provider = await listen(async (request, response, url) => {
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        scopes_supported: ["openid", "email", "profile"],
      });
    }
    // Google's paths for the same endpoints.
    if (url.pathname === "/jwks" || url.pathname === "/oauth2/v3/certs") return json(response, 200, { keys: [jwk] });
    if (url.pathname === "/authorize" || url.pathname === "/o/oauth2/v2/auth") {
      const params = url.searchParams;
      if (params.get("client_id") !== options.clientId) return json(response, 400, { error: "invalid_client" });
      const code = randomUUID();
      codes.set(code, {
        user: options.user,
        redirectUri: params.get("redirect_uri")!,
        challenge: params.get("code_challenge") ?? undefined,
        nonce: params.get("nonce") ?? undefined,
        scope: params.get("scope") ?? "",
      });
      const target = new URL(params.get("redirect_uri")!);
      target.searchParams.set("code", code);
      target.searchParams.set("state", params.get("state") ?? "");
      response.writeHead(302, { location: target.toString() }).end();
      return;
    }
    if (url.pathname === "/token" && request.method === "POST") {
      const form = await body(request);
      const basic = request.headers.authorization?.startsWith("Basic ")
        ? Buffer.from(request.headers.authorization.slice(6), "base64").toString().split(":").map(decodeURIComponent)
        : [form.get("client_id"), form.get("client_secret")];
      if (basic[0] !== options.clientId || basic[1] !== options.clientSecret) return json(response, 401, { error: "invalid_client" });
      if (form.get("grant_type") === "refresh_token") {
        const owner = refreshTokens.get(form.get("refresh_token") ?? "");
        if (!owner) return json(response, 400, { error: "invalid_grant" });
        stats.refreshes++;
        const accessToken = randomUUID();
        tokens.set(accessToken, owner);
        return json(response, 200, { access_token: accessToken, token_type: "Bearer", expires_in: options.accessTokenSeconds ?? 3600 });
      }
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!grant || grant.redirectUri !== form.get("redirect_uri")) return json(response, 400, { error: "invalid_grant" });
      if (grant.challenge && s256(form.get("code_verifier") ?? "") !== grant.challenge) {
        return json(response, 400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      }
      const accessToken = randomUUID();
      const refreshToken = randomUUID();
      tokens.set(accessToken, grant.user);
      refreshTokens.set(refreshToken, grant.user);
      const idToken = await new SignJWT({
        email: grant.user.email,
        email_verified: grant.user.emailVerified,
        name: grant.user.name,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
      })
        .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
        .setIssuer(issuer)
        .setAudience(options.clientId)
        .setSubject(String(grant.user.id))
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
      return json(response, 200, {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: options.accessTokenSeconds ?? 3600,
        refresh_token: refreshToken,
        id_token: idToken,
        scope: grant.scope,
      });
    }
    if (url.pathname === "/userinfo") {
      const user = tokens.get((request.headers.authorization ?? "").replace(/^Bearer /, ""));
      if (!user) return json(response, 401, { error: "invalid_token" });
      return json(response, 200, { sub: String(user.id), email: user.email, email_verified: user.emailVerified, name: user.name });
    }
    json(response, 404, { error: "not_found" });
  });
  issuer = options.issuer ?? provider.url;
  return { ...provider, stats };
}

/**
 * GitHub's OAuth endpoints (github.com) and REST API (api.github.com) in one server:
 * personal access tokens are the keys of `pats`; `down` makes the API answer 502.
 */
export async function startGithub(options: { users: FakeUser[]; pats: Map<string, { user: FakeUser; scopes: string[] }>; clientId?: string; clientSecret?: string }) {
  const codes = new Map<string, { user: FakeUser; scope: string }>();
  const oauthTokens = new Map<string, { user: FakeUser; scopes: string[] }>();
  const state = { down: false };
  const tokenOwner = (request: IncomingMessage) => {
    const token = (request.headers.authorization ?? "").replace(/^(Bearer|token) /, "");
    return options.pats.get(token) ?? oauthTokens.get(token);
  };

  const server = await listen(async (request, response, url) => {
    if (url.pathname === "/login/oauth/authorize") {
      const code = randomUUID();
      codes.set(code, { user: options.users[0]!, scope: url.searchParams.get("scope") ?? "" });
      const target = new URL(url.searchParams.get("redirect_uri")!);
      target.searchParams.set("code", code);
      target.searchParams.set("state", url.searchParams.get("state") ?? "");
      response.writeHead(302, { location: target.toString() }).end();
      return;
    }
    if (url.pathname === "/login/oauth/access_token" && request.method === "POST") {
      const form = await body(request);
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!grant || form.get("client_id") !== options.clientId || form.get("client_secret") !== options.clientSecret) {
        return json(response, 200, { error: "bad_verification_code" });
      }
      const token = `gho_${randomUUID().replace(/-/g, "")}`;
      const scopes = grant.scope.split(/[\s,]+/).filter(Boolean);
      oauthTokens.set(token, { user: grant.user, scopes });
      return json(response, 200, { access_token: token, token_type: "bearer", scope: scopes.join(",") });
    }
    if (state.down) return json(response, 502, { message: "Bad gateway" });
    const owner = tokenOwner(request);
    if (!owner) return json(response, 401, { message: "Bad credentials" });
    const headers = { "x-oauth-scopes": owner.scopes.join(", ") };
    if (url.pathname === "/user") {
      const { id, login, name, email } = owner.user;
      return json(response, 200, { id, login, name, email, avatar_url: `https://avatars.example/${login}` }, headers);
    }
    if (url.pathname === "/user/emails") {
      if (!owner.scopes.includes("user:email")) return json(response, 404, { message: "Not Found" }, headers);
      return json(response, 200, [{ email: owner.user.email, primary: true, verified: owner.user.emailVerified, visibility: "private" }], headers);
    }
    json(response, 404, { message: "Not Found" });
  });
  return { ...server, state };
}
