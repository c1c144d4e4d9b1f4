// Type-aware lint: promises that are neither awaited nor handled, promises where a callback's
// result is ignored, and methods taken off their object (pino's, for one, need their `this`).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "test-output/**", "db/migrations/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // The SDK's build config and scripts are outside every tsconfig.
        projectService: { allowDefaultProject: ["sdk/scripts/*.ts", "sdk/tsup.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    // Directives name rules of other linters people run in their editors.
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/unbound-method": "error",
    },
  },
);
