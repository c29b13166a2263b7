// A logger for tests: silent unless PARLEY_TEST_LOG=debug (or another level) is set.
import { createLogger } from '../../src/index.js';

export const testLogger = createLogger({
  service: 'kit-test',
  level: (process.env.PARLEY_TEST_LOG as 'debug' | undefined) ?? 'silent',
});
