import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Browser code is everything under app/ that the Remix compiler may ship to the client: any file that is
// not a `.server.ts(x)` module. It must never import the database layer or the Twilio server SDK.
const serverOnly = {
  paths: [{ name: "twilio", message: "The Twilio server SDK stays in *.server.ts modules." }],
  patterns: [
    {
      group: ["~db/*", "**/db/*"],
      allowTypeImports: true,
      message: "The database layer stays in *.server.ts modules; routes call a feature module.",
    },
    { group: ["twilio/*"], message: "The Twilio server SDK stays in *.server.ts modules." },
  ],
};

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", "data/**", ".cache/**", "db/migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "off",
    },
  },
  {
    // A promise nobody awaits or catches ends the process when it fails (Node's default): every one is
    // awaited, caught, or marked `void` where its own code catches.
    files: ["app/**/*.{ts,tsx}", "db/**/*.ts", "server.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", serverOnly],
    },
  },
);
