// What the engine guarantees around scripts: the calling thread stays responsive, the caller can
// cancel, concurrent runs stay apart, and shutting down ends everything. What a script itself
// cannot do (escape, outlive its limits, poison the next run) is the hostile-script corpus of
// test/stress/hostile.ts, run by hostile.test.ts. Every case here runs in the real QuickJS
// sandbox; after each, a normal run must still work.

import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { fixtureProvider } from '../fixtures/provider';

const runner = new ScriptRunner();
after(() => runner.dispose());

// Short limits keep the suite quick; the defaults are exercised by the CLI and benchmark.
const fast = { timeoutMs: 300, wallTimeoutMs: 5_000, memoryMb: 32 };

function run(code: string, limits: Record<string, number> = fast): Promise<RunResult> {
  return runner.run({ code, provider: fixtureProvider().provider, limits });
}

afterEach(async () => {
  const healthy = await run('return await testServer.getSum({ a: 20, b: 22 })');
  assert.equal(healthy.ok, true, `a normal run failed after the case: ${healthy.error?.message}`);
  assert.deepEqual(healthy.result, { sum: 42 });
});

describe('the host and the caller while scripts run', () => {
  test('the calling thread keeps running while a script spins', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const result = await run('while (true) {}', { ...fast, timeoutMs: 1_000 });
    clearInterval(timer);
    assert.equal(result.error?.name, 'TimeLimitError');
    assert.ok(ticks >= 10, `host timers fired ${ticks} times during a 1 s spin`);
  });

  test('cancellation by the caller ends the run, even mid-spin', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const result = await runner.run({ code: 'while (true) {}', signal: abort.signal, limits: { timeoutMs: 10_000 } });
    assert.equal(result.error?.name, 'CancelledError');
  });

  test('many concurrent runs do not cross-talk', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        run(`console.log("run ${i}"); const r = await testServer.sleep({ ms: ${50 + i * 10} }); return ${i};`),
      ),
    );
    results.forEach((result, i) => {
      assert.equal(result.result, i);
      assert.deepEqual(result.logs, [{ level: 'log', text: `run ${i}` }]);
      assert.equal(result.calls.length, 1);
    });
  });
});

describe('the engine shutting down', () => {
  test('a wall-clock limit that passes while the first worker starts still ends the run', async () => {
    const fresh = new ScriptRunner();
    try {
      const result = await fresh.run({ code: 'for (let i = 0; i < 15; i++) await testServer.sleep({ ms: 200 })', provider: fixtureProvider().provider, limits: { wallTimeoutMs: 30 } });
      assert.equal(result.error?.name, 'WallClockLimitError');
    } finally {
      fresh.dispose();
    }
  });

  test('disposing the runner ends runs in progress, and later runs return an error instead of throwing', async () => {
    const fresh = new ScriptRunner();
    await fresh.warm();
    const running = fresh.run({ code: 'await testServer.sleep({ ms: 5000 })', provider: fixtureProvider().provider });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    fresh.dispose();
    const result = await running;
    assert.equal(result.error?.name, 'SandboxError');
    assert.ok(Date.now() - started < 1000);
    const after = await fresh.run({ code: 'return 1' });
    assert.equal(after.ok, false);
    assert.equal(after.error?.name, 'SandboxError');
  });
});
