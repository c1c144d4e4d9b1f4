// Small servers speaking the real protocols of Twilio's Messages API, Have I Been Pwned's range
// API and the captcha providers' siteverify, on loopback.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** "down": every request is answered 503 (the provider is up but failing). */
type Mode = "up" | "down";

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

function json(response: ServerResponse, status: number, value: unknown) {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>) {
  const server = createServer((request, response) => {
    handler(request, response).catch((error) => json(response, 500, { error: String(error) }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface TwilioMessage {
  accountSid: string;
  authorization: string;
  to: string;
  from: string;
  body: string;
}

/** Twilio's POST /2010-04-01/Accounts/{sid}/Messages.json: basic auth, form body To/From/Body. */
export async function startTwilio(credentials: { accountSid: string; authToken: string }) {
  const messages: TwilioMessage[] = [];
  const state = { mode: "up" as Mode, requests: 0 };
  const expected = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`;
  const server = await listen(async (request, response) => {
    state.requests++;
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) return json(response, 404, { code: 20404, message: "The requested resource was not found", status: 404 });
    if (request.headers.authorization !== expected || match[1] !== credentials.accountSid) {
      return json(response, 401, { code: 20003, message: "Authenticate", status: 401 });
    }
    if (state.mode === "down") return json(response, 503, { code: 20503, message: "Service unavailable", status: 503 });
    const form = new URLSearchParams(await readBody(request));
    const message = { accountSid: match[1], authorization: request.headers.authorization, to: form.get("To") ?? "", from: form.get("From") ?? "", body: form.get("Body") ?? "" };
    messages.push(message);
    json(response, 201, { sid: `SM${"0".repeat(32)}`, status: "queued", to: message.to, from: message.from, body: message.body });
  });
  return {
    ...server,
    messages,
    state,
    /** The digits of the last code sent to `to`. */
    lastCodeTo(to: string) {
      const message = messages.findLast((sent) => sent.to === to);
      const code = message && /\b(\d{6})\b/.exec(message.body)?.[1];
      if (!code) throw new Error(`no code sent to ${to}`);
      return code;
    },
  };
}

export const sha1 = (value: string) => createHash("sha1").update(value).digest("hex").toUpperCase();

/** Have I Been Pwned's GET /range/{first 5 hex of SHA-1}: suffix:count lines, padded when asked. */
export async function startPwnedPasswords(breached: string[]) {
  const hashes = new Map(breached.map((password) => [sha1(password), 42]));
  const seen: { path: string; padding: string | undefined }[] = [];
  const state = { mode: "up" as Mode };
  const server = await listen(async (request, response) => {
    seen.push({ path: request.url ?? "", padding: request.headers["add-padding"] as string | undefined });
    const match = /^\/range\/([0-9A-F]{5})$/i.exec(request.url ?? "");
    if (request.method !== "GET" || !match) return json(response, 400, { error: "The hash prefix was not in a valid format" });
    if (state.mode === "down") return json(response, 503, { error: "unavailable" });
    const prefix = match[1]!.toUpperCase();
    const lines = [...hashes].filter(([hash]) => hash.startsWith(prefix)).map(([hash, count]) => `${hash.slice(5)}:${count}`);
    if (request.headers["add-padding"] === "true") {
      for (let i = 0; i < 5; i++) lines.push(`${createHash("sha1").update(`pad${i}`).digest("hex").slice(5).toUpperCase()}:0`);
    }
    response.writeHead(200, { "content-type": "text/plain" }).end(lines.join("\r\n"));
  });
  return { ...server, seen, state };
}

export interface SiteVerifyCall {
  contentType: string | undefined;
  secret: string | null;
  response: string | null;
  remoteip: string | null;
}

/**
 * A captcha provider's siteverify (Turnstile, hCaptcha and reCAPTCHA share it): `secret`,
 * `response` and `remoteip`, form-encoded (Turnstile also takes JSON). `passToken` passes.
 */
export async function startSiteVerify(options: { secret: string; passToken: string }) {
  const calls: SiteVerifyCall[] = [];
  const state = { mode: "up" as Mode };
  const server = await listen(async (request, response) => {
    const raw = await readBody(request);
    const contentType = request.headers["content-type"];
    const fields = contentType?.startsWith("application/json") ? new URLSearchParams(JSON.parse(raw) as Record<string, string>) : new URLSearchParams(raw);
    calls.push({ contentType, secret: fields.get("secret"), response: fields.get("response"), remoteip: fields.get("remoteip") });
    if (state.mode === "down") return json(response, 503, { success: false });
    if (fields.get("secret") !== options.secret) return json(response, 200, { success: false, "error-codes": ["invalid-input-secret"] });
    if (fields.get("response") !== options.passToken) return json(response, 200, { success: false, "error-codes": ["invalid-input-response"] });
    json(response, 200, { success: true, hostname: "127.0.0.1", score: 0.9, challenge_ts: new Date().toISOString() });
  });
  return { ...server, calls, state };
}
