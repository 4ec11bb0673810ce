// ESLint for pricegen's own JavaScript: the evaluator runtime, the page's calculator and
// the Node tests. Run from the repository: tests/js/node_modules/.bin/eslint -c tests/js/eslint.config.mjs
import js from "@eslint/js";

const browser = { window: "readonly", document: "readonly" };
const node = { process: "readonly", console: "readonly" };

export default [
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "all" }],
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      "no-restricted-globals": ["error", "isNaN", "parseInt", "parseFloat"],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "answers never depend on chance" },
        { object: "Date", property: "now", message: "answers never depend on the clock" },
      ],
    },
  },
  { files: ["src/pricegen/runtimes/evaluator.mjs"], languageOptions: { globals: {} } },
  {
    // the calculator runs inside the page's module script, after the evaluator's code
    files: ["src/pricegen/render/templates/calculator.js"],
    languageOptions: {
      globals: { ...browser, quote: "readonly", formatMoney: "readonly", PLANS: "readonly", PricingError: "readonly" },
    },
  },
  { files: ["tests/js/**/*.mjs", "tests/bench/*.mjs"], languageOptions: { globals: node } },
];
