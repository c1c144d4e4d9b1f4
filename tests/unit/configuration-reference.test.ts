import { expect, test } from "vitest";
import { committedReference, renderConfigurationReference } from "../../scripts/configuration-reference.js";

test("docs/configuration.md is what server/config.ts describes (run `npm run docs:config` after changing a variable)", () => {
  expect(committedReference()).toBe(renderConfigurationReference());
});

test("every variable of the schema is in the reference with its type and default", () => {
  const reference = renderConfigurationReference();
  expect(reference).toContain("| `TRUST_PROXY` | boolean | `false` |");
  expect(reference).toContain("| `PORT` | number | `3000` |");
  expect(reference).toContain("| `DATABASE_URL` | URL | unset |");
  expect(reference).toContain("| `COOKIE_SAME_SITE` | `lax` \\| `strict` \\| `none` | `lax` |");
});
