// `npm run lint`: ESLint with typescript-eslint's type-checked rules, the runtime boundaries
// (import-x no-restricted-paths, resolved paths rather than import strings), import cycles
// (import-x no-cycle) and lit's template rules. Why each tool: docs/architecture.md.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import lit from 'eslint-plugin-lit';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const PAGE = ['./src/client', './src/demo', './src/widget'];
const BOUNDARY_DOC = 'See docs/architecture.md#boundaries.';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-*/',
      'public/',
      'kernels/',
      'deploy/',
      'bench-results/',
      'test-results/',
      'playwright-report/',
      '.cache/',
      'catalogs/',
      'eval-results/',
      '**/*.generated.ts',
      '.tsbuild/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses the imported .ts files too (no-cycle follows them), with typescript-eslint's parser.
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mts', '.js', '.mjs', '.d.ts', '.d.mts', '.json'] })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The runtime boundaries. Each zone: files in `target` may not import files in `from`.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: PAGE,
              from: ['./src/engine', './src/node'],
              message: `Page-side code (src/client, src/demo, src/widget) talks to the worker only through src/protocol; runtime-neutral helpers live in src/shared. ${BOUNDARY_DOC}`,
            },
            {
              target: './src/engine',
              from: [...PAGE, './src/node'],
              message: `The worker (src/engine) imports neither page-side code nor Node code. ${BOUNDARY_DOC}`,
            },
            {
              target: ['./src/protocol', './src/shared'],
              from: [...PAGE, './src/engine', './src/node'],
              message: `src/protocol and src/shared are imported by every runtime, so they import only each other. ${BOUNDARY_DOC}`,
            },
            {
              target: './src/node',
              from: PAGE,
              message: `Node code (src/node) does not import page-side code. ${BOUNDARY_DOC}`,
            },
          ],
        },
      ],
      // An import cycle makes load order matter and blurs which module owns a concept.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',

      // Unused values are tsc's job (noUnusedLocals / noUnusedParameters): one report, not two.
      '@typescript-eslint/no-unused-vars': 'off',
      // Numbers, booleans, nullish values and arrays (tensor shapes) in template strings are intended throughout (messages, CSS, URLs).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true, allowArray: true }],
      // Off until noUncheckedIndexedAccess is on: the code's `xs[i]!` assertions are written for it
      // (docs/architecture.md), and with it off the rule calls every one of them unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // An async function without await is how a method meets a Promise-returning interface
      // (EngineApi, Cache and fetch stand-ins); the rule would have us write Promise.resolve by hand.
      '@typescript-eslint/require-await': 'off',
      // Our path and file-name patterns match control characters on purpose: to refuse them.
      'no-control-regex': 'off',
    },
  },
  {
    // Where noUncheckedIndexedAccess is on (tsconfig.shared.json, tsconfig.page.json), an assertion that changes nothing is a mistake.
    files: ['src/protocol/**/*.ts', 'src/shared/**/*.ts', 'src/client/**/*.ts', 'src/demo/**/*.ts', 'src/widget/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'error' },
  },
  {
    // The benchmarks print loosely typed result records as they are.
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/restrict-template-expressions': 'off' },
  },
  {
    // Lit calls an element's event listeners with the element as `this` (`@click=${this.onClick}`).
    files: ['src/demo/**/*.ts', 'src/widget/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Tests feed deliberately malformed JSON and look into untyped structures to check validation
    // and error paths; typing those would take casts that hide what is tested.
    files: ['test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Lit's template rules for the elements (the demo and the widget).
    files: ['src/demo/**/*.ts', 'src/widget/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    // Plain JavaScript (scripts/*.mjs, tool configs): no type information, Node's globals.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
