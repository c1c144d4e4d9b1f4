import { useEffect, useRef, useState } from "react";
import { apiUrl } from "../keyway";

/** GET /api/auth-config: the ways in this API offers. */
export interface AuthConfig {
  providers: string[];
  captcha: { provider: "cloudflare-turnstile" | "hcaptcha" | "google-recaptcha"; siteKey: string } | null;
  phone: boolean;
  passkeys: boolean;
}

let configRequest: Promise<AuthConfig> | undefined;

/** The API's public sign-in configuration, fetched once per page load. */
export function useAuthConfig(): AuthConfig | undefined {
  const [config, setConfig] = useState<AuthConfig>();
  useEffect(() => {
    configRequest ??= fetch(`${apiUrl}/api/auth-config`).then((response) => response.json() as Promise<AuthConfig>);
    configRequest.then(setConfig, () => (configRequest = undefined));
  }, []);
  return config;
}

// The widget's latest token, sent with the next request (each token is good for one check).
let token: string | null = null;
let resetWidget: (() => void) | undefined;

/** fetch that sends the widget's token as `x-captcha-response` and then asks the widget for a new one. */
export function withCaptchaToken(baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    if (!token) return baseFetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set("x-captcha-response", token);
    token = null;
    resetWidget?.();
    return baseFetch(input, { ...init, headers });
  };
}

interface WidgetApi {
  render(element: HTMLElement, options: Record<string, unknown>): string | number;
  reset(id?: string | number): void;
}

const SCRIPTS = {
  "cloudflare-turnstile": { src: "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit", global: "turnstile" },
  hcaptcha: { src: "https://js.hcaptcha.com/1/api.js?render=explicit", global: "hcaptcha" },
  "google-recaptcha": { src: "https://www.google.com/recaptcha/api.js?render=explicit", global: "grecaptcha" },
} as const;

function loadScript(src: string, global: string): Promise<WidgetApi> {
  const ready = () => (window as unknown as Record<string, WidgetApi | undefined>)[global];
  return new Promise((resolve, reject) => {
    let script = document.querySelector<HTMLScriptElement>(`script[src="${src}"]`);
    if (!script) {
      script = Object.assign(document.createElement("script"), { src, async: true, defer: true });
      document.head.append(script);
    }
    if (ready()?.render) return resolve(ready()!);
    script.addEventListener("load", () => {
      // reCAPTCHA defines render a moment after its script loads.
      const wait = () => (ready()?.render ? resolve(ready()!) : setTimeout(wait, 50));
      wait();
    });
    script.addEventListener("error", () => reject(new Error("The captcha could not be loaded")));
  });
}

/**
 * The provider's widget when the API has captcha on (nothing, and no script, otherwise).
 * Its token rides on the next sign-up, sign-in or reset request through withCaptchaToken.
 */
export function CaptchaWidget() {
  const captcha = useAuthConfig()?.captcha;
  const element = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!captcha || !element.current) return;
    const target = element.current;
    const { src, global } = SCRIPTS[captcha.provider];
    let cancelled = false;
    loadScript(src, global).then(
      (api) => {
        if (cancelled) return;
        const id = api.render(target, {
          sitekey: captcha.siteKey,
          callback: (value: string) => (token = value),
          "expired-callback": () => (token = null),
        });
        resetWidget = () => api.reset(id);
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
      resetWidget = undefined;
      token = null;
    };
  }, [captcha]);
  if (!captcha) return null;
  return (
    <div className="captcha">
      <div ref={element} data-testid="captcha-widget" />
      {failed && <p role="alert">The captcha could not be loaded. Check your connection and reload the page.</p>}
    </div>
  );
}
