// Scripts against real MCP servers (the npm packages, over stdio, Streamable HTTP and SSE) and
// against our fault fixture (failing, slow, paged, changing servers). The fixture's broken servers
// (crashing, hanging, malformed, flooding …) are in broken-servers.test.ts.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { EVERYTHING, FILESYSTEM, FIXTURE, MEMORY, fixture, hubOf, remote, serverChildren, startEverythingHttp, stdio, type RunningHttpServer } from '../helpers/servers';

const runner = new ScriptRunner();
const hubs: McpHub[] = [];
after(async () => {
  runner.dispose();
  await Promise.all(hubs.map((hub) => hub.dispose()));
});

function track(hub: McpHub): McpHub {
  hubs.push(hub);
  return hub;
}

function run(hub: McpHub, code: string, limits = {}): Promise<RunResult> {
  return runner.run({ code, provider: hub, limits, source: 'test' });
}

describe('real servers from npm over stdio', () => {
  const data = mkdtempSync(path.join(tmpdir(), 'codemode-fs-'));
  writeFileSync(path.join(data, 'notes.txt'), 'alpha\nbeta\ngamma\n');
  writeFileSync(path.join(data, 'big.log'), Array.from({ length: 5000 }, (_, i) => `${i % 7 === 0 ? 'ERROR' : 'INFO'} line ${i}`).join('\n'));
  let hub: McpHub;

  before(() => {
    hub = track(
      hubOf(
        [
          stdio('filesystem', [FILESYSTEM, data]),
          stdio('memory', [MEMORY], { MEMORY_FILE_PATH: path.join(data, 'memory.jsonl') }),
          stdio('everything', [EVERYTHING, 'stdio']),
        ],
        { workspaceFolder: data },
      ),
    );
  });

  test('structured results, text results parsed or kept, and calls recorded', async () => {
    const result = await run(
      hub,
      `const file = await filesystem.readTextFile({ path: ${JSON.stringify(path.join(data, 'notes.txt'))} });
       const sum = await everything.getSum({ a: 20, b: 22 });
       const weather = await everything.getStructuredContent({ location: 'Chicago' });
       return { lines: file.content.split('\\n').filter(Boolean), sum, weatherKeys: Object.keys(weather).sort() };`,
    );
    assert.equal(result.ok, true, result.error?.message);
    assert.deepEqual(result.result, { lines: ['alpha', 'beta', 'gamma'], sum: 'The sum of 20 and 22 is 42.', weatherKeys: ['conditions', 'humidity', 'temperature'] });
    assert.deepEqual(
      result.calls.map((call) => `${call.server}.${call.tool}`),
      ['filesystem.read_text_file', 'everything.get-sum', 'everything.get-structured-content'],
    );
  });

  test('filtering a large result inside the sandbox returns only the summary', async () => {
    const result = await run(
      hub,
      `const { content } = await filesystem.readTextFile({ path: ${JSON.stringify(path.join(data, 'big.log'))} });
       const errors = content.split('\\n').filter((line) => line.startsWith('ERROR'));
       return { total: content.split('\\n').length, errors: errors.length };`,
    );
    assert.deepEqual(result.result, { total: 5000, errors: 715 });
  });

  test('chaining across servers: memory entities from file contents', async () => {
    const result = await run(
      hub,
      `const { content } = await filesystem.readTextFile({ path: ${JSON.stringify(path.join(data, 'notes.txt'))} });
       const names = content.split('\\n').filter(Boolean);
       await memory.createEntities({ entities: names.map((name) => ({ name, entityType: 'word', observations: ['from notes.txt'] })) });
       const found = await memory.searchNodes({ query: 'word' });
       return found.entities.map((entity) => entity.name).sort();`,
    );
    assert.deepEqual(result.result, ['alpha', 'beta', 'gamma']);
  });

  test('a tool error from a real server throws with its text, naming server and tool', async () => {
    const result = await run(hub, `try { await filesystem.readTextFile({ path: '/definitely/not/allowed.txt' }) } catch (e) { return [e.name, e.server, e.tool, e.message] }`);
    const [name, server, tool, message] = result.result as string[];
    assert.deepEqual([name, server, tool], ['ToolError', 'filesystem', 'read_text_file']);
    assert.match(message!, /^Tool "read_text_file" on server "filesystem" failed: .*(Access denied|outside allowed)/i);
  });

  test('roots/list is answered with the workspace folder', async () => {
    const result = await run(hub, 'return await everything.getRootsList()');
    assert.equal(result.ok, true, result.error?.message);
    assert.match(JSON.stringify(result.result), new RegExp(path.basename(data)));
  });

  test('only the servers a script mentions are started', async () => {
    const lazy = track(hubOf([stdio('filesystem', [FILESYSTEM, data]), stdio('memory', [MEMORY], { MEMORY_FILE_PATH: path.join(data, 'm2.jsonl') })]));
    const result = await run(lazy, 'return (await filesystem.listAllowedDirectories()).content.length > 0');
    assert.equal(result.result, true);
    const states = Object.fromEntries(lazy.status().map((server) => [server.name, server.state.kind]));
    assert.deepEqual(states, { filesystem: 'ready', memory: 'idle' });
  });
});

describe('remote transports', () => {
  let http: RunningHttpServer;
  let sse: RunningHttpServer;
  before(async () => {
    [http, sse] = await Promise.all([startEverythingHttp('streamableHttp'), startEverythingHttp('sse')]);
  });
  after(async () => {
    await Promise.all([http?.stop(), sse?.stop()]);
  });

  test('Streamable HTTP', async () => {
    const hub = track(hubOf([remote('everything', 'http', `http://127.0.0.1:${http.port}/mcp`)]));
    const result = await run(hub, 'return await everything.getStructuredContent({ location: "New York" })');
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(typeof (result.result as { temperature: unknown }).temperature, 'number');
    assert.deepEqual(hub.status()[0]!.state, { kind: 'ready', transport: 'http' });
  });

  test('SSE', async () => {
    const hub = track(hubOf([remote('everything', 'sse', `http://127.0.0.1:${sse.port}/sse`)]));
    const result = await run(hub, 'return await everything.getSum({ a: 1, b: 2 })');
    assert.equal(result.result, 'The sum of 1 and 2 is 3.');
  });

  test('an "http" server that only speaks SSE is reached through the fallback', async () => {
    const hub = track(hubOf([remote('legacy', 'http', `http://127.0.0.1:${sse.port}/sse`)]));
    const result = await run(hub, 'return await legacy.echo({ message: "hi" })');
    assert.equal(result.ok, true, result.error?.message);
    assert.deepEqual(hub.status()[0]!.state, { kind: 'ready', transport: 'sse' });
  });

  test('an unreachable URL makes the namespace explain itself', async () => {
    const hub = track(hubOf([remote('gone', 'http', 'http://127.0.0.1:9/mcp')]));
    const result = await run(hub, 'await gone.anything({})');
    assert.equal(result.error?.name, 'ToolError');
    assert.match(result.error!.message, /Server "gone" is unavailable.*neither Streamable HTTP .* nor SSE/);
  });
});

describe('faulty servers', () => {
  test('one server failing at startup leaves the others working, and says why', async () => {
    const hub = track(hubOf([fixture('broken', 'exit-at-start'), fixture('fine', 'basic')]));
    const result = await run(hub, 'const ok = await fine.echo({ value: 1 }); try { await broken.echo({}) } catch (e) { return [ok, e.message] }');
    const [ok, message] = result.result as [unknown, string];
    assert.deepEqual(ok, { value: 1 });
    assert.match(message, /Server "broken" is unavailable, so broken\.echo cannot be called: failed to start: .*permission denied/);
  });

  test('isError results throw ToolError with the server text', async () => {
    const hub = track(hubOf([fixture('fx', 'basic')]));
    const result = await run(hub, 'await fx.fail({ message: "quota exceeded for today" })');
    assert.equal(result.error?.name, 'ToolError');
    assert.match(result.error!.message, /Tool "fail" on server "fx" failed: quota exceeded for today/);
  });

  test('the per-call timeout cancels the request on the server', async () => {
    const logs: string[] = [];
    const hub = track(hubOf([fixture('fx', 'basic')], { logs }));
    const result = await run(hub, 'try { await fx.slow({ ms: 10000 }) } catch (e) { return e.message }', { callTimeoutMs: 300 });
    assert.match(String(result.result), /per-call timeout of 300 ms \(callTimeoutMs\)/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(logs.some((line) => /slow call cancelled by the client/.test(line)), 'the server saw notifications/cancelled');
  });

  test('tools arrive across pages', async () => {
    const hub = track(hubOf([fixture('paged', 'paged')]));
    const catalog = await hub.catalog();
    assert.equal(catalog.tools.length, 39);
    const result = await run(hub, 'return await paged.paged24({})');
    assert.equal(result.result, 'paged-24');
  });

  test('notifications/tools/list_changed refreshes the catalogue', async () => {
    const hub = track(hubOf([fixture('changing', 'basic')]));
    await run(hub, 'await changing.addTool({ name: "fresh-tool" })');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await run(hub, 'return typeof changing.freshTool === "function" && Object.keys(changing).includes("freshTool")');
    assert.equal(result.result, true);
  });

  test('configured env reaches the child on top of the inherited environment', async () => {
    const hub = track(hubOf([{ ...fixture('envy', 'basic'), env: { CODEMODE_TEST_VALUE: 'configured', CODEMODE_TEST_PORT: '8080' } } as never]));
    const result = await run(hub, 'return [await envy.env({ name: "CODEMODE_TEST_VALUE" }), await envy.env({ name: "CODEMODE_TEST_PORT" }), typeof (await envy.env({ name: "PATH" }))]');
    // A configured value may be a token, so echoing it back is redacted; a number is not hidden.
    assert.deepEqual(result.result, ['[redacted]', 8080, 'string']);
  });

  test('a secret a server prints before crashing never reaches the script, the state or the stderr tail', async () => {
    const secret = 'sk-live-7f3e2d1c0b9a';
    const hub = track(
      new (await import('../../src/core/mcp/hub')).McpHub([{ ...fixture('leaky', 'basic'), env: { API_TOKEN: '${input:token}' } } as never], {
        variables: { env: process.env, inputs: [], input: async () => secret },
        roots: () => [],
        startupTimeoutMs: 20_000,
        clientVersion: 'test',
      }),
    );
    const result = await run(hub, 'await leaky.leakAndCrash({ name: "API_TOKEN" })');
    assert.equal(result.error?.name, 'ToolError');
    assert.match(result.error!.message, /\[redacted\]/);
    assert.doesNotMatch(JSON.stringify(result) + JSON.stringify(hub.status()) + hub.connection('leaky')!.stderrTail?.(), new RegExp(secret));
  });

  test('a result too large for the sandbox memory is refused with the limit named', async () => {
    const hub = track(hubOf([fixture('huge', 'basic')]));
    const result = await run(hub, 'await huge.big({ bytes: 6 * 1024 * 1024 })', { memoryMb: 16 });
    assert.equal(result.error?.name, 'ToolError');
    assert.match(result.error!.message, /too large for the memory limit of 16 MiB \(memoryMb\)/);
  });

  test('servers whose names collide keep the namespaces the hub gave them, whichever start', async () => {
    const hub = track(hubOf([fixture('my-server', 'basic'), fixture('my_server', 'basic')]));
    const result = await run(hub, 'return (await myServer2.echo({ value: "second" })).value');
    assert.equal(result.result, 'second');
    assert.deepEqual(
      hub.status().map((server) => [server.name, server.namespace, server.state.kind]),
      [
        ['my-server', 'myServer', 'idle'],
        ['my_server', 'myServer2', 'ready'],
      ],
    );
  });

  test('disposing a hub while its servers start leaves nothing running', async () => {
    const marker = 'started-then-disposed';
    const hub = hubOf([stdio('starting', [FIXTURE, 'basic', marker]), stdio('starting-too', [FIXTURE, 'basic', marker])]);
    const catalog = hub.catalog();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await hub.dispose();
    await catalog;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(
      hub.status().map((server) => server.state.kind),
      ['stopped', 'stopped'],
    );
    assert.deepEqual((await serverChildren()).filter((line) => line.includes(marker)), []);
  });

  test('disposing the hubs leaves no server process behind', async () => {
    await Promise.all(hubs.map((hub) => hub.dispose()));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(await serverChildren(), []);
  });
});
