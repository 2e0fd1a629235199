// What a script cannot do: reach the host, outlive its limits, or leave the host unhealthy.
// Every case runs in the real QuickJS sandbox; after each, a normal run must still work.

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

describe('nothing of the host is reachable', () => {
  test('no process, require, module, fetch, timers or Node globals', async () => {
    const result = await run(`return [
      typeof process, typeof require, typeof module, typeof exports, typeof fetch, typeof XMLHttpRequest,
      typeof setTimeout, typeof setInterval, typeof queueMicrotask, typeof Buffer, typeof global,
      typeof WebAssembly, typeof std, typeof os, typeof Deno, typeof Bun,
    ]`);
    assert.deepEqual(result.result, Array(16).fill('undefined'));
  });

  test('module import() is refused', async () => {
    const result = await run('try { await import("node:fs"); return "imported"; } catch (e) { return String(e) }');
    assert.equal(result.ok, true);
    assert.notEqual(result.result, 'imported');
  });

  test('a static import is a syntax error', async () => {
    const result = await run('import fs from "node:fs";\nreturn fs;');
    assert.equal(result.ok, false);
    assert.equal(result.error?.name, 'SyntaxError');
  });

  test('constructors and prototypes lead only to the guest', async () => {
    const result = await run(`
      const viaTool = testServer.echo.constructor('return typeof process')();
      const viaConsole = console.log.constructor.constructor('return this')();
      const viaProto = await Object.getPrototypeOf(async function () {}).constructor('return typeof require')();
      const viaError = (() => { try { null.x } catch (e) { return e.constructor.constructor('return typeof fetch')() } })();
      const globals = Object.getOwnPropertyNames(globalThis).filter((name) => /host|codemode|__/i.test(name));
      return { viaTool, sameGlobal: viaConsole === globalThis, viaProto, viaError, globals };
    `);
    assert.deepEqual(result.result, { viaTool: 'undefined', sameGlobal: true, viaProto: 'undefined', viaError: 'undefined', globals: [] });
  });

  test('tool namespaces and console cannot be replaced or extended', async () => {
    const result = await run(`
      'use strict';
      const attempts = [];
      for (const attempt of [
        () => { testServer.echo = () => 'forged'; },
        () => { testServer.extra = 1; },
        () => { globalThis.testServer = {}; },
        () => { console.log = () => {}; },
      ]) {
        try { attempt(); attempts.push('allowed'); } catch (e) { attempts.push(e.name); }
      }
      return { attempts, echoed: await testServer.echo({ real: true }) };
    `);
    assert.deepEqual(result.result, { attempts: ['TypeError', 'TypeError', 'TypeError', 'TypeError'], echoed: { real: true } });
  });

  test('eval and Function exist but only see the sandbox', async () => {
    const result = await run('return [eval("typeof process"), Function("return typeof require")(), eval("1 + 1")]');
    assert.deepEqual(result.result, ['undefined', 'undefined', 2]);
  });
});

describe('runaway code ends at its limit with a clear error', () => {
  const timeCases: [string, string][] = [
    ['a plain infinite loop', 'while (true) {}'],
    ['a loop that catches everything', 'for (;;) { try { while (true) {} } catch (e) {} }'],
    ['an infinite loop in a promise callback', 'await Promise.resolve().then(() => { for (;;) {} })'],
    ['an endless await chain', 'for (;;) await null;'],
    ['a self-scheduling microtask storm', 'const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {});'],
    ['a loop between tool calls', 'await testServer.echo({}); while (true) {}'],
    ['catastrophic regular expression backtracking', 'return /^(a+)+$/.test("a".repeat(40) + "b")'],
  ];
  for (const [name, code] of timeCases) {
    test(name, async () => {
      const result = await run(code);
      assert.equal(result.ok, false);
      assert.equal(result.error?.name, 'TimeLimitError', result.error?.message);
      assert.match(result.error!.message, /execution time limit of 300 ms \(timeoutMs\)/);
      assert.equal(result.error?.limit, 'timeoutMs');
    });
  }

  test('the calling thread keeps running while a script spins', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const result = await run('while (true) {}', { ...fast, timeoutMs: 1_000 });
    clearInterval(timer);
    assert.equal(result.error?.name, 'TimeLimitError');
    assert.ok(ticks >= 10, `host timers fired ${ticks} times during a 1 s spin`);
  });

  test('a memory bomb of typed arrays, whose bytes live outside the object heap', async () => {
    const result = await run('const keep = []; for (;;) keep.push(new Uint8Array(1 << 20));');
    assert.equal(result.error?.name, 'MemoryLimitError');
  });

  test('a memory bomb of strings', async () => {
    const result = await run('const keep = []; for (let i = 0; ; i++) keep.push("x".repeat(100000) + i);');
    assert.equal(result.error?.name, 'MemoryLimitError');
  });

  test('a memory bomb of arrays', async () => {
    const result = await run('const keep = []; for (;;) keep.push(new Array(100000).fill(1));');
    assert.equal(result.error?.name, 'MemoryLimitError');
    assert.match(result.error!.message, /memory limit of 32 MiB \(memoryMb\)/);
  });

  test('a memory bomb of doubling strings', async () => {
    const result = await run('let s = "x"; for (;;) s += s;');
    assert.equal(result.ok, false);
    // QuickJS refuses strings past 2^30 characters before any memory is spent on them.
    assert.match(`${result.error!.name}: ${result.error!.message}`, /MemoryLimitError|string too long/);
  });

  test('deep recursion', async () => {
    const result = await run('function down(n) { return down(n + 1) + 1 }\nreturn down(0)');
    assert.equal(result.error?.name, 'StackLimitError');
    assert.match(result.error!.message, /stack limit of 512 KiB \(stackKb\)/);
    assert.equal(result.error?.line, 1);
    assert.ok(result.error!.stack!.split('\n').length <= 13, 'recursive frames are folded');
  });

  test('a promise that can never settle ends at once instead of hanging', async () => {
    const result = await run('await new Promise(() => {}); return 1');
    assert.equal(result.error?.name, 'StalledError');
  });

  test('a tool that never answers ends at the wall-clock limit and is cancelled', async () => {
    const result = await run('await testServer.hang({})', { ...fast, wallTimeoutMs: 400 });
    assert.equal(result.error?.name, 'WallClockLimitError');
    assert.match(result.error!.message, /wall-clock limit of 400 ms \(wallTimeoutMs\)/);
    assert.match(result.error!.message, /Still running, then cancelled: test-server\.hang/);
    assert.equal(result.calls[0]!.ok, false);
  });

  test('cancellation by the caller ends the run, even mid-spin', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const result = await runner.run({ code: 'while (true) {}', signal: abort.signal, limits: { timeoutMs: 10_000 } });
    assert.equal(result.error?.name, 'CancelledError');
  });
});

describe('floods and hostile values', () => {
  test('an output flood is truncated at the output limit with a notice', async () => {
    const result = await run('for (let i = 0; i < 20000; i++) console.log("x".repeat(100)); return "done"', { ...fast, timeoutMs: 3_000 });
    assert.equal(result.ok, true);
    assert.equal(result.result, 'done');
    const bytes = result.logs.slice(0, -1).reduce((sum, log) => sum + Buffer.byteLength(log.text), 0);
    assert.ok(bytes <= 1024 * 1024, `kept ${bytes} bytes`);
    assert.match(result.logs.at(-1)!.text, /Output truncated: .*output limit of 1048576 bytes/);
  });

  test('a huge result is refused with the limit named', async () => {
    const result = await run('return "y".repeat(2 * 1024 * 1024)');
    assert.equal(result.error?.name, 'OutputLimitError');
    assert.match(result.error!.message, /output limit of 1048576 bytes \(maxOutputBytes\)/);
  });

  test('a result whose getter throws fails cleanly', async () => {
    const result = await run('return { get bad() { throw new Error("gotcha") } }');
    assert.equal(result.ok, false);
    assert.match(result.error!.message, /gotcha/);
  });

  test('a result whose toJSON spins is stopped by the time limit', async () => {
    const result = await run('return { toJSON() { for (;;) {} } }');
    assert.equal(result.error?.name, 'TimeLimitError');
  });

  test('a hostile thrown value (a getter on name that spins) still ends cleanly', async () => {
    const result = await run('const e = new Error("x"); Object.defineProperty(e, "name", { get() { for (;;) {} } }); throw e;');
    assert.equal(result.ok, false);
  });

  test('huge tool arguments are sent intact', async () => {
    const result = await run('const r = await testServer.echo({ blob: "z".repeat(500000) }); return r.blob.length', { ...fast, timeoutMs: 3_000 });
    assert.equal(result.result, 500000);
  });

  test('replacing JSON inside the script does not confuse the host', async () => {
    const result = await run('JSON.stringify = () => ({ not: "a string" }); JSON.parse = () => 1; Object.keys = () => []; return { fine: await testServer.echo({ a: 1 }) }');
    assert.equal(result.ok, true);
    assert.deepEqual(result.result, { fine: { a: 1 } });
  });

  test('a flood of empty log lines is bounded too', async () => {
    const result = await run('for (;;) console.log()', { ...fast, maxOutputBytes: 1024 });
    assert.equal(result.error?.name, 'TimeLimitError');
    assert.ok(result.logs.length <= 1024 / 16 + 1, `${result.logs.length} log entries`);
    assert.match(result.logs.at(-1)!.text, /Output truncated/);
  });

  test('starting calls without end is refused past 1,000 in flight', async () => {
    const result = await run('for (;;) testServer.hang({})');
    assert.equal(result.error?.name, 'RangeError');
    assert.match(result.error!.message, /more than 1000 tool calls are in flight at once/);
  });

  test('an error whose name getter spins is described within a small budget', async () => {
    const started = Date.now();
    const result = await run('const e = new Error("x"); Object.defineProperty(e, "name", { get() { for (;;) {} } }); throw e;', { ...fast, timeoutMs: 2_000 });
    assert.match(result.error!.message, /properties could not be read/);
    assert.ok(Date.now() - started < 1_500, 'the describing did not get a fresh time budget');
  });

  test('an argument whose toJSON turns it into something other than an object is refused', async () => {
    const result = await run('await testServer.echo({ toJSON() { return [1, 2] } })');
    assert.equal(result.error?.name, 'TypeError');
    assert.match(result.error!.message, /takes one object argument; its toJSON\(\) turned it into something else/);
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
