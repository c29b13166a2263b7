// One test runner for the whole workspace: `pnpm test` from the root runs every package's test/ folder.
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Packages export their TypeScript sources under the "parley-source" condition, so tests need no build step.
const conditions = ['parley-source', ...defaultServerConditions.filter((condition) => condition !== 'module')];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/fixtures/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one machine's NATS and PostgreSQL; two workers match its two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
