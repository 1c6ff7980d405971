// Lint rules: typescript-eslint's recommended set, plus the import direction the
// design card asks for (pure folders never import Pulumi).
import tseslint from "typescript-eslint";

const pureFolders = ["core/**/*.ts", "gateway-policy/**/*.ts", "simulator/**/*.ts"];

export default tseslint.config(
  { ignores: ["node_modules/**", "out/**", ".tools/**", "**/*.mjs", "**/*.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: pureFolders,
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@pulumi/*"], message: "Pure folders (core/, gateway-policy/, simulator/) must not import Pulumi." }] },
      ],
    },
  },
);
