// The hostile-script corpus (test/stress/hostile.ts) with short limits: every attack and accident
// is contained with the right error within its limit, and the run after it sees a clean sandbox.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScriptRunner } from '../../src/core/run/runner';
import type { Limits } from '../../src/core/sandbox/limits';
import { SandboxPool } from '../../src/core/sandbox/pool';
import { fixtureProvider } from '../fixtures/provider';
import { HOSTILE_CASES, probeBaseline, runCase, watchHost, type HostileCase, type Probe } from '../stress/hostile';

// Short limits keep the file near a minute; `npm run stress` runs the same corpus with the defaults.
const fast: Partial<Limits> = { timeoutMs: 300, wallTimeoutMs: 5_000, memoryMb: 32 };

const pool = new SandboxPool({ maxIdle: 2 });
const runner = new ScriptRunner(pool);
const host = watchHost();
let baseline: Probe;

before(async () => {
  await pool.warm(fast.memoryMb);
  baseline = await probeBaseline(runner, fast);
});
after(() => runner.dispose());

const categories = new Map<string, HostileCase[]>();
for (const c of HOSTILE_CASES) categories.set(c.category, [...(categories.get(c.category) ?? []), c]);

for (const [category, cases] of categories) {
  describe(category, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const outcome = await runCase(runner, c, fast, baseline);
        assert.deepEqual(outcome.problems, []);
      });
    }
  });
}

describe('after the corpus', () => {
  test('a normal run works, and the host saw no unhandled rejection', async () => {
    const result = await runner.run({ code: 'console.log("still here"); return await testServer.getSum({ a: 20, b: 22 })', provider: fixtureProvider().provider, limits: fast });
    assert.equal(result.ok, true, result.error?.message);
    assert.deepEqual(result.result, { sum: 42 });
    assert.deepEqual(result.logs, [{ level: 'log', text: 'still here' }]);
    assert.equal(host.stop().unhandledRejections, 0);
  });
});
