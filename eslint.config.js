// ESLint for the whole workspace: typescript-eslint's recommended rules, formatting left to Prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.types/**', '**/gen/**', '.parley/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
        NodeJS: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Dev tools, benchmarks, tests and scripts talk to a terminal, not to a log pipeline.
    files: ['**/bench/**', '**/test/**', '**/scripts/**', 'deploy/local/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Scripts served to browsers as they are (the chat widget).
    files: ['services/api/widget/**'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        localStorage: 'readonly',
        WebSocket: 'readonly',
        FormData: 'readonly',
        crypto: 'readonly',
      },
    },
  },
  {
    // The web client runs in browsers: their globals, and React's rules of hooks.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    ...reactHooks.configs.flat.recommended,
  },
  prettier,
);
