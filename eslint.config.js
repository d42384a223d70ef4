// One linter for the whole repository. Run per project by `nx run-many -t lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Everything the pure core must not reach for by itself: it gets clock and randomness as arguments. */
const impureSyntax = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'The core is pure: take `now` as an argument instead of calling Date.now().',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'The core is pure: take `now` as an argument instead of `new Date()`.',
  },
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'The core is pure: take a randomBytes function as an argument instead of Math.random.',
  },
  {
    selector: "MemberExpression[object.name='performance'][property.name='now']",
    message: 'The core is pure: no clocks of its own.',
  },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/coverage/**', '.data/**', 'docs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // DESIGN §1: the policy core has no I/O, no node:* imports, no clock or randomness of its own.
    files: ['packages/token-policy/src/**/*.ts'],
    ignores: ['packages/token-policy/src/**/*.test.ts'],
    languageOptions: {
      globals: { ...globals['shared-node-browser'] },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The core is pure: no Node built-ins.' },
            {
              group: [
                'fs',
                'path',
                'os',
                'crypto',
                'http',
                'https',
                'net',
                'child_process',
                'worker_threads',
              ],
              message: 'The core is pure: no Node built-ins.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'crypto', message: 'The core is pure: randomness is passed in.' },
        { name: 'process', message: 'The core is pure: no environment access.' },
        { name: 'setTimeout', message: 'The core is pure: no timers.' },
        { name: 'setInterval', message: 'The core is pure: no timers.' },
        { name: 'fetch', message: 'The core is pure: no I/O.' },
      ],
      'no-restricted-syntax': ['error', ...impureSyntax],
    },
  },
);
