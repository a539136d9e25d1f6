// Lint: typescript-eslint's type-aware checks over every workspace's TypeScript (`npm run lint`).
// Promise rules come first: a floating or misused promise is how an unhandled rejection once
// killed processes. The rest is the recommended type-checked set, less the rules this code base
// deliberately departs from; each exception says why.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/dist-test/**", "bench/results/**", "packages/*/bin/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // The value encoders' Refusal is thrown on purpose: it is no Error so that refusing costs no
      // stack trace; it becomes a SerializeError with the value's path at the top (refusal.ts).
      "@typescript-eslint/only-throw-error": ["error", { allow: [{ from: "file", name: "Refusal", path: "packages/core/src/serializers/refusal.ts" }] }],
      // A caught `unknown` is passed on as it came; anything else rejected must be an Error.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      "@typescript-eslint/no-base-to-string": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Indexing is written as if `noUncheckedIndexedAccess` were on (`bytes[i]!`): the `!` says
      // "checked by the loop bound", which this rule would strip.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // Decoded wire values are `unknown` and narrowed by hand; the remaining `any` sits in
      // decorators, reflection and tests that poke at internals on purpose.
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Classes and methods are handled as `Function` by the decorators and the dispatcher.
      "@typescript-eslint/no-unsafe-function-type": "off",
      // `${uri}` relies on URI.toString(); objects without one are caught by no-base-to-string.
      "@typescript-eslint/restrict-template-expressions": "off",
      // Async methods that implement an async interface need not await.
      "@typescript-eslint/require-await": "off",
      // Control characters and runs of spaces in regexes are deliberate (wire text, aligned tables).
      "no-control-regex": "off",
      "no-regex-spaces": "off",
      // A variable declared before the signal handlers or classes that read it, assigned later.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["nameserver/src/storage/sql.ts"],
    rules: {
      // better-sqlite3's transaction variants (`.immediate`) are bound functions typed as methods.
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    files: ["**/test/**/*.ts", "test/**/*.ts"],
    rules: {
      // chai's `expect(x).to.be.true` is an expression statement.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
  {
    // The scripts and mocha plugins in plain JavaScript: the recommended rules, without types.
    files: ["**/*.mjs", "**/*.cjs", "**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { project: false, projectService: false, program: null },
      globals: {
        process: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        module: "writable",
        require: "readonly",
        __dirname: "readonly",
        Buffer: "readonly",
      },
    },
  },
  {
    // Scripts served to browsers by the examples.
    files: ["examples/*/public/**/*.js"],
    languageOptions: { globals: { document: "readonly", window: "readonly", fetch: "readonly", console: "readonly", setTimeout: "readonly" } },
  },
  {
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
