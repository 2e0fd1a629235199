// Runs inside the VS Code extension host: loads the suites for this run (CODEMODE_TEST_SUITE:
// "trusted", "restricted", "secrets" or "vsix") into mocha.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const suite = process.env.CODEMODE_TEST_SUITE ?? 'trusted';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 90_000, reporter: 'spec' });
  // Suites named after a run (restricted.test.js, secrets.test.js, vsix.test.js) run only in that run; the others in the trusted one.
  const own = (name: string): boolean => name === `${suite}.test.js` || (suite === 'trusted' && !/^(restricted|secrets|vsix)\./.test(name));
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.js') && own(name));
  for (const file of files.sort()) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // A plain closing line that CI reads, whatever the reporter printed above it.
      const stats = runner.stats;
      console.log(`${suite}: ${stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
