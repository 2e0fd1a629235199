// Load: 100 runs at once against a real MCP server, each checked for anything of another run;
// the pool's turn-taking beyond its limit of runs at once; and a few hundred runs in a row that
// all come back right. The 10,000-run soak with its memory figures is `npm run stress`.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import { SandboxPool } from '../../src/core/sandbox/pool';
import { fixtureProvider } from '../fixtures/provider';
import { concurrent, soak, soakHub } from '../stress/soak';

describe('soak and load', () => {
  const runner = new ScriptRunner();
  const hub: McpHub = soakHub();
  after(async () => {
    runner.dispose();
    await hub.dispose();
  });

  test('100 runs at once: no run sees another run’s tool results, logs or result', async () => {
    const outcome = await concurrent(runner, hub, 100);
    assert.deepEqual(outcome.problems, []);
  });

  test('300 runs in a row, a mix of work and every kind of failure, all come back right', async () => {
    const soaked = await soak(runner, hub, 300, 100);
    assert.deepEqual(soaked.wrong, []);
    assert.equal(soaked.samples.length, 3);
    assert.deepEqual([...soaked.counts.keys()].sort(), ['CPU limit', 'script throws', 'syntax error', 'tool call, logs, result', 'tool error']);
  });
});

describe('runs beyond the pool’s limit take turns', () => {
  const pool = new SandboxPool({ maxRunning: 2 });
  const runner = new ScriptRunner(pool);
  after(() => runner.dispose());

  test('at most maxRunning execute at once; the rest wait and then run', async () => {
    const { provider, stats } = fixtureProvider();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => runner.run({ code: `await testServer.sleep({ ms: 100 }); return ${i}`, provider })));
    assert.deepEqual(results.map((result) => result.result), [0, 1, 2, 3, 4, 5]);
    assert.equal(stats.maxInFlight, 2);
  });

  test('a waiting run is ended by its wall-clock limit or a cancellation without ever starting', async () => {
    const { provider, stats } = fixtureProvider();
    const busy = [0, 1].map(() => runner.run({ code: 'await testServer.sleep({ ms: 600 })', provider }));
    // Both slots taken (their calls are in flight) before the two that must wait are started.
    while (stats.inFlight < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const controller = new AbortController();
    const walled = runner.run({ code: 'await testServer.echo({ never: true })', provider, limits: { wallTimeoutMs: 100 } });
    const cancelled = runner.run({ code: 'await testServer.echo({ never: true })', provider, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    assert.equal((await walled).error?.name, 'WallClockLimitError');
    assert.equal((await cancelled).error?.name, 'CancelledError');
    await Promise.all(busy);
    assert.equal(stats.calls.filter((call) => call.tool === 'echo').length, 0, 'neither waiting run started');
  });

  test('disposing the pool ends waiting runs with a clear error', async () => {
    const own = new SandboxPool({ maxRunning: 1 });
    const ownRunner = new ScriptRunner(own);
    const { provider } = fixtureProvider();
    const first = ownRunner.run({ code: 'await testServer.sleep({ ms: 300 })', provider });
    const waiting = ownRunner.run({ code: 'return 1', provider });
    await new Promise((resolve) => setTimeout(resolve, 50));
    own.dispose();
    const ended = await waiting;
    assert.equal(ended.error?.name, 'SandboxError', JSON.stringify(ended.error));
    assert.equal((await first).ok, false);
  });
});
