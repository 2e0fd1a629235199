// Broken servers (test/stress/brokenServers.ts, with short limits): for each fault a clear error
// naming the server and tool, within the limits, recovery on the next use, this process healthy,
// and no process left behind — counted once more after them all, grandchildren included.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ScriptRunner } from '../../src/core/run/runner';
import { descendantProcesses, stillAlive, type LiveProcess } from '../helpers/servers';
import { SCENARIOS, UNIT_LIMITS, runScenario } from '../stress/brokenServers';

describe('broken servers', () => {
  const runner = new ScriptRunner();
  const seen: LiveProcess[] = [];
  after(() => runner.dispose());

  for (const scenario of SCENARIOS) {
    test(scenario.fault, async () => {
      const result = await runScenario(scenario, runner, { limits: UNIT_LIMITS, maxLoopDelayMs: 1000 });
      seen.push(...result.processes);
      assert.deepEqual(result.problems, [], `${scenario.fault}: the script got ${result.seen}; the next use got ${result.nextSeen}`);
    });
  }

  test('no process is left behind, a wrapper\'s orphaned child included', async () => {
    assert.ok(seen.length >= SCENARIOS.length, 'the scenarios started servers');
    assert.deepEqual(await stillAlive(seen), []);
    assert.deepEqual(await descendantProcesses(), []);
  });
});
