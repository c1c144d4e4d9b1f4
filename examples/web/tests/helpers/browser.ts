import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

/** Debian's chromium (installed by .ci/run with apt); never a downloaded browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const stack = () => inject("stack");

/** A fresh Chromium (a fresh temporary profile each launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A new browser profile's worth of state (cookies, storage) on the web app's origin. */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ baseURL: stack().webUrl, viewport: { width: 1200, height: 800 } });
}

const SCREENSHOTS = join(process.cwd(), "test-output", "screenshots");

/** A full-page picture of the screen, for a reviewer to look at. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
