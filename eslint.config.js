import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Browser code is everything under app/ that the Remix compiler may ship to the client: any file that is
// not a `.server.ts(x)` module. It must never import the database layer, the Twilio server SDK or Zod.
const serverOnly = {
  paths: [
    { name: "twilio", message: "The Twilio server SDK stays in *.server.ts modules." },
    {
      name: "zod",
      allowTypeImports: true,
      message: "Schemas live in *.server.ts modules: one in a route or component ships the whole validation library to the patient's phone.",
    },
  ],
  patterns: [
    {
      group: ["~db/*", "**/db/*"],
      allowTypeImports: true,
      message: "The database layer stays in *.server.ts modules; routes call a feature module.",
    },
    { group: ["twilio/*"], message: "The Twilio server SDK stays in *.server.ts modules." },
  ],
};

// Dependencies point down: features, routes and components are built on the database layer, the domain's
// vocabulary and the utilities, never the other way round. Type imports count too: a type pulled from a
// feature ties the lower module to it as surely as a value.
const aboveTheLayer = (message) => ({
  patterns: [
    {
      group: ["~/features/*", "~/routes/*", "~/components/*", "**/app/features/*", "**/app/routes/*", "**/app/components/*"],
      message,
    },
  ],
});

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
  {
    // The environment is read and checked once, at start (server.ts → utils/env.server.ts), and handed down.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/utils/env.server.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Take it from the load context or an argument: server.ts reads the environment once (readEnv)." },
      ],
    },
  },
  {
    files: ["db/**/*.ts"],
    // db's commands are entry points, like server.ts: they run the features' use cases (the seed creates
    // accounts as an admin would), so they sit above the features rather than below them; the seed's plan
    // of the demo day with it (it computes the doctors' slots as booking does).
    ignores: ["db/seed.ts", "db/demo-day.ts", "db/create-admin.ts", "db/audit-verify.ts"],
    rules: {
      "no-restricted-imports": ["error", aboveTheLayer("db/ is below the app: take the word from app/domain, or move the code down.")],
    },
  },
  {
    files: ["app/utils/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", aboveTheLayer("app/utils is below the features: move what it needs down, or the helper into the feature.")],
    },
  },
  {
    // The domain's vocabulary is the bottom: plain lists and types that import nothing of ours.
    files: ["app/domain/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["~/*", "~db/*", "../*", "**/app/*", "**/db/*"], message: "app/domain imports nothing of the app or the database: it is what they are built on." }] },
      ],
    },
  },
);
