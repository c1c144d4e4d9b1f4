import type { FastifyBaseLogger } from "fastify";
import { DependencyUnavailableError } from "../http/errors.js";
import type { SmsSender } from "./sender.js";

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** A phone number in E.164 form, or a messaging service SID (MG…). */
  from: string;
  /** https://api.twilio.com, or a stand-in speaking its API. */
  apiUrl: string;
}

const SEND_TIMEOUT_MS = 10_000;

/**
 * Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth and a
 * form body. Any answer but 2xx, a timeout or a refused connection is a DependencyUnavailableError
 * (a 503): the caller never hears "sent" for a message Twilio did not take. Log lines name
 * Twilio's status and error code, never the body (it holds the code).
 */
export function twilioSender(options: TwilioOptions, log: FastifyBaseLogger): SmsSender {
  const url = `${options.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;
  const fromField = /^MG[0-9a-f]{32}$/i.test(options.from) ? "MessagingServiceSid" : "From";
  return {
    async send({ to, body }) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { authorization, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams({ To: to, [fromField]: options.from, Body: body }),
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
      } catch (error) {
        log.warn({ reason: (error as Error).name === "TimeoutError" ? "timeout" : "unreachable" }, "sms not sent: Twilio did not answer");
        throw new DependencyUnavailableError(undefined);
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const answer = (await response.json().catch(() => ({}))) as { code?: unknown };
      log.warn({ status: response.status, twilioCode: typeof answer.code === "number" ? answer.code : undefined }, "sms not sent: Twilio refused it");
      throw new DependencyUnavailableError(undefined);
    },
  };
}
