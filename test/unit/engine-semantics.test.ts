// What a script can do, run in the real QuickJS sandbox with in-process fixture tools.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ScriptRunner } from '../../src/core/run/runner';
import type { TraceEvent } from '../../src/core/run/trace';
import { fixtureProvider } from '../fixtures/provider';

const runner = new ScriptRunner();
after(() => runner.dispose());

function run(code: string, options: Parameters<ScriptRunner['run']>[0] extends infer O ? Partial<O> : never = {}) {
  return runner.run({ code, provider: fixtureProvider().provider, ...options });
}

describe('results and logs', () => {
  test('returns the value of a top-level return', async () => {
    const result = await run('return { answer: 42, list: [1, "two", null] }');
    assert.equal(result.ok, true);
    assert.deepEqual(result.result, { answer: 42, list: [1, 'two', null] });
    assert.equal(result.error, null);
  });

  test('a script without return has an undefined result', async () => {
    const result = await run('const x = 1;');
    assert.equal(result.ok, true);
    assert.equal(result.result, undefined);
  });

  test('captures console levels in order, formatting non-strings as JSON', async () => {
    const result = await run(`
      console.log('plain', 1, true);
      console.info({ a: [1, 2] });
      console.warn('careful');
      console.error(new Error('bad'));
      console.debug(undefined, null, 10n);
    `);
    assert.deepEqual(
      result.logs.map((log) => log.level),
      ['log', 'info', 'warn', 'error', 'log'],
    );
    assert.equal(result.logs[0]!.text, 'plain 1 true');
    assert.equal(result.logs[1]!.text, '{"a":[1,2]}');
    assert.match(result.logs[3]!.text, /^Error: bad/);
    assert.equal(result.logs[4]!.text, '[undefined] null 10n');
  });

  test('logs cyclic values without failing', async () => {
    const result = await run('const a = { name: "a" }; a.self = a; console.log(a); return "done"');
    assert.equal(result.ok, true);
    assert.equal(result.logs[0]!.text, '{"name":"a","self":"[Circular]"}');
  });

  test('strips TypeScript types, interfaces and generics', async () => {
    const result = await run(`
      interface Item { id: number; tags: string[] }
      type Pair<T> = [T, T];
      enum Colour { Red = 'red', Blue = 'blue' }
      function first<T>(items: readonly T[]): T | undefined { return items[0]; }
      const items: Item[] = [{ id: 2, tags: [] }, { id: 1, tags: ['x'] }];
      const pair: Pair<number> = [items.length, first(items)!.id];
      return { pair, colour: Colour.Blue, sorted: items.map((i) => i.id).sort() as number[] };
    `);
    assert.equal(result.ok, true, result.error?.message);
    assert.deepEqual(result.result, { pair: [2, 2], colour: 'blue', sorted: [1, 2] });
  });

  test('plain JavaScript runs with the js loader', async () => {
    const result = await run('const x = [1, 2, 3]; return x.reduce((a, b) => a + b, 0);', { fileName: 'sum.js' });
    assert.equal(result.result, 6);
  });

  test('a lone async arrow function is called and its value returned', async () => {
    const result = await run(`async () => {
      const { sum } = await testServer.getSum({ a: 2, b: 3 });
      return sum * 10;
    }`);
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.result, 50);
  });

  test('a lone arrow with a trailing semicolon and comments is called too', async () => {
    const result = await run('// compute\n(async () => 7);\n// end\n');
    assert.equal(result.result, 7);
  });

  test('top-level await works outside any function', async () => {
    const result = await run('const a = await testServer.echo({ v: 1 }); const b = await testServer.echo({ v: 2 }); return a.v + b.v;');
    assert.equal(result.result, 3);
  });

  test('no state leaks from one run into the next', async () => {
    await run('globalThis.leaked = 1; Object.prototype.polluted = true; Array.prototype.push = null;');
    const result = await run('return [typeof leaked, typeof ({}).polluted, typeof [].push]');
    assert.deepEqual(result.result, ['undefined', 'undefined', 'function']);
  });
});

describe('tool calls', () => {
  test('server and tool names become camelCase namespaces and functions', async () => {
    const result = await run(`return [
      typeof testServer.getSum, typeof testServer.echo, typeof otherServer.readTextFile,
      Object.keys(testServer).sort().join(','),
    ]`);
    assert.deepEqual(result.result, ['function', 'function', 'function', 'echo,fail,getSum,hang,nothing,sleep,text']);
  });

  test('results cross as JSON; strings stay strings; no value is undefined', async () => {
    const result = await run(`
      const echoed = await testServer.echo({ nested: { list: [1, { deep: true }] }, n: 1.5 });
      const text = await otherServer.readTextFile({ path: 'x' });
      const none = await testServer.nothing({});
      return { echoed, text, none: typeof none };
    `);
    assert.deepEqual(result.result, {
      echoed: { nested: { list: [1, { deep: true }] }, n: 1.5 },
      text: 'hello from a file',
      none: 'undefined',
    });
    assert.deepEqual(
      result.calls.map((call) => [call.server, call.tool, call.ok]),
      [
        ['test-server', 'echo', true],
        ['other_server', 'read_text_file', true],
        ['test-server', 'nothing', true],
      ],
    );
    assert.deepEqual(result.calls[0]!.args, { nested: { list: [1, { deep: true }] }, n: 1.5 });
  });

  test('calling without an argument sends an empty object', async () => {
    const result = await run('return await testServer.echo()');
    assert.deepEqual(result.result, {});
  });

  test('a failing tool throws a ToolError naming the server and tool, which scripts can catch', async () => {
    const result = await run(`
      try {
        await testServer.fail({ message: 'disk on fire' });
      } catch (e) {
        return { name: e.name, message: e.message, server: e.server, tool: e.tool, isToolError: e instanceof ToolError };
      }
    `);
    assert.deepEqual(result.result, {
      name: 'ToolError',
      message: 'Tool "fail" on server "test-server" failed: disk on fire',
      server: 'test-server',
      tool: 'fail',
      isToolError: true,
    });
    assert.equal(result.calls[0]!.ok, false);
    assert.equal(result.calls[0]!.error, 'disk on fire');
  });

  test('an uncaught tool error fails the run at the line of the call and lists completed calls', async () => {
    const code = [
      'const a = await testServer.echo({ step: 1 });', //
      'const b = await testServer.getSum({ a: 1, b: 2 });',
      'await testServer.fail({ message: "no such record" });',
      'return "unreachable";',
    ].join('\n');
    const result = await run(code);
    assert.equal(result.ok, false);
    assert.equal(result.error?.name, 'ToolError');
    assert.equal(result.error?.line, 3);
    assert.equal(result.error?.column, 22, 'QuickJS points at the call');
    assert.match(result.error!.message, /no such record/);
    assert.match(result.error!.message, /completed before the failure: test-server\.echo \(ok\), test-server\.get-sum \(ok\), test-server\.fail \(failed\)/);
  });

  test('calling a name that is not a tool explains the mistake and suggests the nearest tool', async () => {
    const result = await run('await testServer.getSumm({ a: 1, b: 2 })');
    assert.equal(result.error?.name, 'TypeError');
    assert.match(result.error!.message, /testServer\.getSumm is not a tool of server "test-server"\. Did you mean testServer\.getSum\? Its tools: echo, fail, getSum/);
    assert.equal(result.error?.line, 1);
    const probes = await run('return [typeof testServer.then, JSON.stringify(Object.keys(testServer).length), "getSum" in testServer, "nope" in testServer]');
    assert.deepEqual(probes.result, ['undefined', '7', true, false]);
  });

  test('the namespace of a server that could not start throws its reason', async () => {
    const result = await run('try { await brokenServer.anything({}) } catch (e) { return [e.name, e.server, e.message] }');
    assert.deepEqual(result.result, ['ToolError', 'broken-server', 'Server "broken-server" is unavailable, so brokenServer.anything cannot be called: it exited with code 1 at startup']);
  });

  test('Promise.all over tool calls runs them concurrently on the host', async () => {
    const { provider, stats } = fixtureProvider();
    const started = performance.now();
    const result = await runner.run({
      provider,
      code: 'return await Promise.all(Array.from({ length: 10 }, (_, i) => testServer.sleep({ ms: 300 + i })))',
    });
    const elapsed = performance.now() - started;
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(stats.maxInFlight, 10, 'all ten calls were in flight at once');
    assert.equal((result.result as unknown[]).length, 10);
    // Ten sequential calls would take over 3 s; this bound only separates parallel from serial.
    assert.ok(elapsed < 2500, `took ${elapsed} ms`);
  });

  test('time spent awaiting tools does not count against the execution time limit', async () => {
    const result = await run('await testServer.sleep({ ms: 600 }); return "waited"', { limits: { timeoutMs: 200 } });
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.result, 'waited');
  });

  test('a call past the per-call timeout fails with the limit named and is cancelled', async () => {
    const { provider, stats } = fixtureProvider();
    const result = await runner.run({
      provider,
      limits: { callTimeoutMs: 150 },
      code: 'try { await testServer.sleep({ ms: 5000 }); } catch (e) { return e.message }',
    });
    assert.equal(result.ok, true);
    assert.match(String(result.result), /per-call timeout of 150 ms \(callTimeoutMs\)/);
    assert.equal(stats.aborted, 1);
  });

  test('trace events arrive in order with durations and results', async () => {
    const events: TraceEvent[] = [];
    const result = await run('console.log("go"); const r = await testServer.echo({ x: 1 }); return r.x;', {
      onEvent: (event) => events.push(event),
      source: 'test',
    });
    assert.deepEqual(
      events.map((event) => event.type),
      ['run-started', 'log', 'call-started', 'call-finished', 'run-finished'],
    );
    const finished = events[3] as Extract<TraceEvent, { type: 'call-finished' }>;
    assert.equal(finished.ok, true);
    assert.deepEqual(finished.result, { x: 1 });
    assert.ok(finished.durationMs >= 0);
    const end = events[4] as Extract<TraceEvent, { type: 'run-finished' }>;
    assert.deepEqual(end.result, result);
    assert.ok(new Set(events.map((event) => event.runId)).size === 1);
  });

  test('calls still running when the script returns are cancelled and reported', async () => {
    const { provider, stats } = fixtureProvider();
    const result = await runner.run({ provider, code: 'testServer.sleep({ ms: 5000 }); return "early"' });
    assert.equal(result.result, 'early');
    assert.equal(result.calls[0]!.ok, false);
    assert.match(result.calls[0]!.error!, /run ended before the call finished/);
    assert.equal(stats.aborted, 1);
  });
});

describe('values that are not JSON', () => {
  const cases: [string, RegExp][] = [
    ['await testServer.echo({ callback: () => 1 })', /testServer\.echo argument\.callback is a function/],
    ['await testServer.echo({ big: 10n })', /argument\.big is a BigInt.*String\(\) or Number\(\)/],
    ['const o = { a: {} }; o.a.back = o; await testServer.echo(o)', /argument\.a\.back refers back to testServer\.echo argument \(a cycle\)/],
    ['await testServer.echo({ m: new Map([[1, 2]]) })', /argument\.m is a Map.*Object\.fromEntries/],
    ['await testServer.echo({ p: Promise.resolve(1) })', /argument\.p is a Promise \(did you forget await\?\)/],
    ['await testServer.echo([1, 2])', /takes one object argument.*got an array/],
    ['await testServer.echo("text")', /takes one object argument.*got a string/],
  ];
  for (const [code, message] of cases) {
    test(`arguments: ${code}`, async () => {
      const result = await run(code);
      assert.equal(result.ok, false);
      assert.equal(result.error?.name, 'TypeError');
      assert.match(result.error!.message, message);
      assert.equal(result.calls.length, 0, 'nothing was sent');
    });
  }

  test('undefined properties are dropped and undefined array items become null, as in JSON', async () => {
    const result = await run('return await testServer.echo({ keep: 1, drop: undefined, list: [1, undefined, 3], when: new Date(0) })');
    assert.deepEqual(result.result, { keep: 1, list: [1, null, 3], when: '1970-01-01T00:00:00.000Z' });
  });

  const results: [string, RegExp][] = [
    ['return () => 1', /the result is a function/],
    ['const a = []; a.push(a); return a', /the result\[0\] refers back to the result \(a cycle\)/],
    ['return { n: 1n }', /the result\.n is a BigInt/],
  ];
  for (const [code, message] of results) {
    test(`results: ${code}`, async () => {
      const result = await run(code);
      assert.equal(result.ok, false);
      assert.match(result.error!.message, message);
    });
  }
});

describe('errors carry positions in the script as written', () => {
  test('a runtime error in TypeScript points at the original line and column', async () => {
    const code = [
      'interface Row { id: number }', //
      'type Rows = Row[];',
      'const rows: Rows = [];',
      'const first: any = rows[0];',
      'return first.id;',
    ].join('\n');
    const result = await run(code);
    assert.equal(result.error?.name, 'TypeError');
    assert.equal(result.error?.line, 5);
    assert.equal(result.error?.column, 13, 'QuickJS points at the property access');
    assert.match(result.error!.stack!, /script\.ts:5:13/);
  });

  test('a syntax error names the line and column without running anything', async () => {
    const { provider, stats } = fixtureProvider();
    const result = await runner.run({ provider, code: 'await testServer.echo({});\nconst x = ;\n' });
    assert.equal(result.error?.name, 'SyntaxError');
    assert.equal(result.error?.line, 2);
    assert.equal(result.error?.column, 11);
    assert.equal(stats.calls.length, 0);
  });

  test('syntax error columns count characters, not bytes, and an unclosed brace points inside the script', async () => {
    const wide = await run('const greeting = "日本語";\nconst x = "日本語" +;');
    assert.deepEqual([wide.error?.line, wide.error?.column], [2, 18], "the ; after the three wide characters");
    const open = await run('if (true) {\n  console.log(1);\n');
    assert.equal(open.error?.name, 'SyntaxError');
    assert.ok(open.error!.line! <= 3);
  });

  test('an error inside a lone arrow function maps to its own line', async () => {
    const result = await run('async () => {\n  const o = null;\n  return o.x;\n}');
    assert.equal(result.error?.line, 3);
    assert.equal(result.error?.column, 11);
  });

  test('a thrown non-Error value is reported as such', async () => {
    const result = await run('throw { code: 7 }');
    assert.equal(result.ok, false);
    assert.match(result.error!.message, /non-Error value: \{"code":7\}/);
  });

  test('a user error keeps its own name and message', async () => {
    const result = await run('class NotFound extends Error { name = "NotFound" }\nthrow new NotFound("no user 12")');
    assert.equal(result.error?.name, 'NotFound');
    assert.match(result.error!.message, /^no user 12\nNo tool call had completed\.$/);
    assert.equal(result.error?.line, 2);
  });
});
