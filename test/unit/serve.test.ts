// `codemode serve` as MCP clients meet it: the built CLI spawned by the SDK's own client over stdio,
// and listening on Streamable HTTP with --port, in front of real servers (filesystem, memory, our
// fixture) and broken ones. Also the MCP inspector's CLI, when it is installed.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RUN_TOOL, SEARCH_TOOL } from '../../src/core/modelTools';
import { CLI, codemode } from '../helpers/cli';
import { freePort } from '../helpers/ports';
import { FILESYSTEM, FIXTURE, MEMORY, ROOT, serverChildren } from '../helpers/servers';

const INPUT_VARIABLE = 'CODEMODE_INPUT_API_TOKEN';

/**
 * A workspace with three working servers, one that exits at start and one whose input is missing;
 * `stubborn` adds a server behind a wrapper that forwards no signal and ignores all but SIGKILL.
 */
function workspace(options: { stubborn?: boolean } = {}): { dir: string; config: string; data: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'codemode-serve-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  // In .vscode/ so the folder above is the workspace: its root is what the filesystem server may read.
  mkdirSync(path.join(dir, '.vscode'));
  writeFileSync(
    path.join(data, 'people.json'),
    JSON.stringify([
      { name: 'Ada', role: 'engineer' },
      { name: 'Grace', role: 'admiral' },
      { name: 'Edsger', role: 'professor' },
    ]),
  );
  const node = process.execPath;
  const config = path.join(dir, '.vscode', 'mcp.json');
  writeFileSync(
    config,
    JSON.stringify({
      inputs: [{ type: 'promptString', id: 'api-token', description: 'API token', password: true }],
      servers: {
        fixture: { command: node, args: [FIXTURE, 'basic'] },
        files: { command: node, args: [FILESYSTEM, data] },
        memory: { command: node, args: [MEMORY], env: { MEMORY_FILE_PATH: path.join(dir, 'memory.jsonl') } },
        broken: { command: node, args: [FIXTURE, 'exit-at-start'] },
        locked: { command: node, args: [FIXTURE, 'basic'], env: { SECRET_TOKEN: '${input:api-token}' } },
        ...(options.stubborn ? { stubborn: { command: node, args: [FIXTURE, 'wrapper', 'stubborn'] } } : {}),
      },
    }),
  );
  return { dir, config, data };
}

/** The environment serve runs in: ours, without an answer for the locked server's input. */
function environment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== INPUT_VARIABLE) env[key] = value;
  return env;
}

function textOf(result: unknown): string {
  const content = (result as CallToolResult).content;
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, 'text');
  return (content[0] as { text: string }).text;
}

/** The JSON after "Result:" in formatForModel's text. */
function resultOf(text: string): unknown {
  const match = /^Result:\n([\s\S]*?)(?:\n\n(?:Logs|Tool calls)|$)/.exec(text);
  assert.ok(match, text);
  return JSON.parse(match[1]!);
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until no process this test started is left: serve, the servers, their children. */
async function noProcessesLeft(): Promise<void> {
  let left: string[] = [];
  try {
    await eventually('every process to end', async () => ((left = await serverChildren()).length === 0 ? true : undefined));
  } catch {
    assert.deepEqual(left, [], 'processes left behind');
  }
}

const chainScript = (data: string): string => `
const people: { name: string; role: string }[] = JSON.parse((await files.readTextFile({ path: ${JSON.stringify(path.join(data, 'people.json'))} })).content);
await memory.createEntities({ entities: people.map((p) => ({ name: p.name, entityType: 'person', observations: [p.role] })) });
const found = await memory.searchNodes({ query: 'admiral' });
const echoed = await fixture.echo({ value: found.entities.map((e) => e.name) });
console.log('people read: ' + people.length);
return { people: people.length, admirals: echoed.value };
`;

const FAILING_SCRIPT = `const first = await fixture.echo({ value: 1 });
const broken = first.value.missing.deeper;
return broken;`;

/** The checks every transport must pass, over a connected client. */
async function checkToolsAndRuns(client: Client, data: string): Promise<void> {
  const { tools } = await client.listTools();
  assert.deepEqual(
    tools.map((tool) => tool.name),
    [RUN_TOOL.name, SEARCH_TOOL.name],
  );
  for (const tool of tools) {
    assert.ok(tool.description?.startsWith(tool.name === RUN_TOOL.name ? RUN_TOOL.description : SEARCH_TOOL.description));
    // The namespaces are named without starting a server.
    assert.match(tool.description!, /The namespaces are: fixture, files, memory, broken, locked(, stubborn)?\. Call codemode_search first/);
  }
  assert.deepEqual(tools[0]!.inputSchema, RUN_TOOL.inputSchema);
  assert.match(client.getInstructions() ?? '', /codemode_search.*codemode_run/s);

  const chained = await client.callTool({ name: RUN_TOOL.name, arguments: { code: chainScript(data) } });
  const text = textOf(chained);
  assert.equal(chained.isError, undefined, text);
  assert.deepEqual(resultOf(text), { people: 3, admirals: ['Grace'] });
  assert.match(text, /Logs:\npeople read: 3/);
  assert.match(text, /- files\.read_text_file ok .*\n- memory\.create_entities ok .*\n- memory\.search_nodes ok .*\n- fixture\.echo ok/);

  const failed = await client.callTool({ name: RUN_TOOL.name, arguments: { code: FAILING_SCRIPT } });
  assert.equal(failed.isError, true);
  const failure = textOf(failed);
  assert.match(failure, /^The script failed at line 2, column \d+: TypeError: cannot read property 'deeper' of undefined/);
  assert.match(failure, /> 2 \| const broken = first\.value\.missing\.deeper;\n\s+\| +\^/);
  assert.match(failure, /- fixture\.echo ok/);
}

describe('codemode serve over stdio', () => {
  const { config, data } = workspace();
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';

  before(async () => {
    transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', '--config', config, '--verbose'], env: environment(), cwd: ROOT, stderr: 'pipe' });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'serve-test', version: '1.0.0' });
    await client.connect(transport);
  });
  after(() => client.close());

  test('lists the two tools, searches, chains calls across servers and reports a failing script with its code frame', async () => {
    await client.listTools();
    assert.deepEqual(
      (await serverChildren()).map((entry) => entry.split(' ')[0]),
      [String(transport.pid)],
      'listing the tools starts no server',
    );
    await checkToolsAndRuns(client, data);
    assert.match(stderr, /codemode serve: serving 5 servers \(fixture, files, memory, broken, locked\) over stdio/);
  });

  test('search: the namespaces with their tools, the declarations of matches, and the servers that could not start', async () => {
    const index = textOf(await client.callTool({ name: SEARCH_TOOL.name, arguments: { query: '' } }));
    assert.match(index, /^Namespaces and their tools/);
    assert.match(index, /memory \(server "memory", ready\): create_entities, /);
    assert.match(index, /files \(server "files", ready\): .*read_text_file/);
    assert.match(index, /Server "broken" is unavailable: .*cannot open the database: permission denied/);
    // stdin is the protocol: a missing input fails its server, naming the variable, and asks nobody.
    assert.match(index, new RegExp(`Server "locked" is unavailable: .*input "api-token" \\(API token\\) has no value: set ${INPUT_VARIABLE}`));

    const found = textOf(await client.callTool({ name: SEARCH_TOOL.name, arguments: { query: 'knowledge graph entities' } }));
    assert.match(found, /^TypeScript declarations of the \d+ best-matching tools/);
    assert.match(found, /declare namespace memory \{/);
    assert.match(found, /function createEntities\(/);
  });

  test('a server that cannot start fails only the calls to it', async () => {
    const result = await client.callTool({
      name: RUN_TOOL.name,
      arguments: { code: 'let reason = ""; try { await broken.echo({ value: 1 }); } catch (error) { reason = String(error.message); }\nreturn { reason, still: (await fixture.echo({ value: "here" })).value };' },
    });
    const text = textOf(result);
    assert.equal(result.isError, undefined, text);
    const { reason, still } = resultOf(text) as { reason: string; still: string };
    assert.match(reason, /broken/);
    assert.match(reason, /cannot open the database/);
    assert.equal(still, 'here');
  });

  test('cancelling the request cancels the run and its tool call; progress reports logs and calls', async () => {
    const abort = new AbortController();
    const progress: string[] = [];
    const pending = client.callTool({ name: RUN_TOOL.name, arguments: { code: 'console.log("waiting");\nawait fixture.slow({ ms: 60000 });\nreturn "too late";' } }, undefined, {
      signal: abort.signal,
      onprogress: ({ message }) => {
        progress.push(message ?? '');
        if (message === 'waiting') setTimeout(() => abort.abort(), 200);
      },
    });
    await assert.rejects(pending, /abort/i);
    assert.deepEqual(progress, ['waiting']);
    await eventually('the cancelled tool call', () => (/slow call cancelled by the client/.test(stderr) ? true : undefined));
    await eventually('the cancelled run', () => (/codemode serve: run cancelled/.test(stderr) ? true : undefined));

    const calls: string[] = [];
    const next = await client.callTool({ name: RUN_TOOL.name, arguments: { code: 'return (await fixture.echo({ value: "after" })).value' } }, undefined, { onprogress: ({ message }) => calls.push(message ?? '') });
    assert.deepEqual(resultOf(textOf(next)), 'after');
    assert.equal(calls.length, 1);
    assert.match(calls[0]!, /^fixture\.echo ok \d+ ms$/);
  });

  test('an unknown tool is a protocol error; a missing script is a tool error', async () => {
    await assert.rejects(client.callTool({ name: 'codemode_nothing', arguments: {} }), /Unknown tool "codemode_nothing"/);
    const missing = await client.callTool({ name: RUN_TOOL.name, arguments: {} });
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /Give the script as \{ "code"/);
  });

  test('closing the client ends serve and every server it started', async () => {
    const pid = transport.pid;
    assert.ok(pid);
    assert.ok((await serverChildren()).length >= 4, 'serve and the servers it started are running');
    await client.close();
    await noProcessesLeft();
    assert.match(stderr, /codemode serve: stopping: end of standard input/);
    assert.doesNotMatch(stderr, /unexpected failure|again: exiting at once/);
  });
});

interface HttpServe {
  readonly child: ChildProcess;
  readonly url: URL;
  readonly port: number;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

async function serveHttp(config: string, extra: readonly string[] = []): Promise<HttpServe> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--port', String(port), '--verbose', ...extra], { cwd: ROOT, env: environment(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually('serve to listen', () => {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${stderr}`);
    return /serving .* at http:\/\//.test(stderr) ? true : undefined;
  });
  return {
    child,
    port,
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      assert.equal(stdout, '', 'nothing on stdout over HTTP either');
      return code;
    },
  };
}

async function httpClient(url: URL): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(url);
  const client = new Client({ name: 'serve-http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** A raw initialize request with the given headers, for what SDK clients never send. */
function rawInitialize(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('codemode serve --port (Streamable HTTP)', () => {
  const { config, data } = workspace({ stubborn: true });
  let serve: HttpServe;

  before(async () => {
    serve = await serveHttp(config);
  });
  after(() => serve.stop());

  test('a client gets the same tools and runs as over stdio', async () => {
    const { client, transport } = await httpClient(serve.url);
    try {
      assert.ok(transport.sessionId, 'the server assigned a session');
      await checkToolsAndRuns(client, data);
    } finally {
      await client.close();
    }
  });

  test('sessions are separate and end on DELETE; a request with an ended session is refused', async () => {
    const [a, b] = await Promise.all([httpClient(serve.url), httpClient(serve.url)]);
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    const [searched, ran] = await Promise.all([
      a.client.callTool({ name: SEARCH_TOOL.name, arguments: { query: 'echo' } }),
      b.client.callTool({ name: RUN_TOOL.name, arguments: { code: 'return (await fixture.echo({ value: 42 })).value' } }),
    ]);
    assert.match(textOf(searched), /declare namespace fixture/);
    assert.equal(resultOf(textOf(ran)), 42);

    const ended = a.transport.sessionId!;
    await a.transport.terminateSession();
    await a.client.close();
    await eventually('the session to end', () => (serve.stderr().includes(`session ${ended} ended`) ? true : undefined));
    const stale = await rawInitialize(serve.port, { 'mcp-session-id': ended });
    assert.equal(stale.status, 404);
    assert.match(stale.body, /Session not found/);
    // The other session is untouched.
    assert.equal(resultOf(textOf(await b.client.callTool({ name: RUN_TOOL.name, arguments: { code: 'return 1 + 1' } }))), 2);
    await b.client.close();
  });

  test('cancelling over HTTP cancels the run too', async () => {
    const { client } = await httpClient(serve.url);
    try {
      const abort = new AbortController();
      const pending = client.callTool({ name: RUN_TOOL.name, arguments: { code: 'console.log("waiting");\nawait fixture.slow({ ms: 60000 });' } }, undefined, {
        signal: abort.signal,
        onprogress: () => setTimeout(() => abort.abort(), 200),
      });
      await assert.rejects(pending, /abort/i);
      await eventually('the cancelled run', () => (/codemode serve: run cancelled/.test(serve.stderr()) ? true : undefined));
    } finally {
      await client.close();
    }
  });

  test('a Host or Origin that is not loopback is refused (DNS rebinding); loopback names are accepted', async () => {
    for (const host of ['evil.example', `evil.example:${serve.port}`, `127.0.0.1.evil.example:${serve.port}`]) {
      const refused = await rawInitialize(serve.port, { host });
      assert.equal(refused.status, 403, host);
      assert.match((JSON.parse(refused.body) as { error: { message: string } }).error.message, /^Host ".*" is not allowed \(DNS rebinding protection\)/);
    }
    const origin = await rawInitialize(serve.port, { host: `localhost:${serve.port}`, origin: 'http://evil.example' });
    assert.equal(origin.status, 403);
    assert.equal((JSON.parse(origin.body) as { error: { message: string } }).error.message, 'Origin "http://evil.example" is not allowed');
    for (const host of [`localhost:${serve.port}`, `127.0.0.1:${serve.port}`]) {
      const accepted = await rawInitialize(serve.port, { host, origin: `http://${host}` });
      assert.equal(accepted.status, 200, `${host}: ${accepted.body}`);
      assert.match(accepted.body, /"serverInfo":\{"name":"codemode"/);
    }
    assert.match(serve.stderr(), /refused a request: Host "evil\.example" is not allowed/);
  });

  test('SIGTERM ends serve cleanly with every server it started, even one that ignores SIGTERM', async () => {
    const { client } = await httpClient(serve.url);
    // Start every server, and keep a run in flight while the signal arrives.
    assert.match(textOf(await client.callTool({ name: SEARCH_TOOL.name, arguments: { query: '' } })), /stubborn \(server "stubborn", ready\)/);
    let running = (): void => undefined;
    const started = new Promise<void>((resolve) => (running = resolve));
    const inFlight = client.callTool({ name: RUN_TOOL.name, arguments: { code: 'console.log("waiting");\nawait fixture.slow({ ms: 60000 });' } }, undefined, { onprogress: () => running() });
    await started;
    const stopping = Date.now();
    assert.equal(await serve.stop('SIGTERM'), 0);
    // The run in flight is answered (cancelled) before the connection closes.
    const answer = await inFlight;
    assert.equal(answer.isError, true);
    assert.match(textOf(answer), /cancel/i);
    assert.ok(Date.now() - stopping < 10_000);
    await client.close();
    assert.match(serve.stderr(), /stopping: SIGTERM/);
    await noProcessesLeft();
  });
});

describe('codemode serve options', () => {
  test('--host takes requests under its own name; a wildcard --host under any', async () => {
    const { config } = workspace();
    const wildcard = await serveHttp(config, ['--host', '0.0.0.0']);
    try {
      assert.match(wildcard.stderr(), /at http:\/\/0\.0\.0\.0:\d+\/mcp \(any Host accepted\)/);
      assert.equal((await rawInitialize(wildcard.port, { host: `my-machine.lan:${wildcard.port}` })).status, 200);
    } finally {
      assert.equal(await wildcard.stop(), 0);
    }
    const named = await serveHttp(config, ['--host', '127.0.0.1']);
    try {
      assert.equal((await rawInitialize(named.port, { host: `127.0.0.1:${named.port}` })).status, 200);
      assert.equal((await rawInitialize(named.port, { host: `evil.example:${named.port}` })).status, 403);
    } finally {
      assert.equal(await named.stop('SIGINT'), 0);
    }
  });

  test('--session-idle-s closes a session whose client left without ending it; a busy one stays', async () => {
    const { config } = workspace();
    const serve = await serveHttp(config, ['--session-idle-s', '1']);
    try {
      const gone = await httpClient(serve.url);
      const kept = await httpClient(serve.url);
      const id = gone.transport.sessionId!;
      // Closing the client drops its connection but sends no DELETE: the session would live on.
      await gone.client.close();
      await eventually('the idle session to close', () => (serve.stderr().includes(`session ${id} closed after 1 s without a request`) ? true : undefined));
      assert.equal((await rawInitialize(serve.port, { 'mcp-session-id': id })).status, 404);
      // A run longer than the idle time keeps its session open.
      const slow = await kept.client.callTool({ name: RUN_TOOL.name, arguments: { code: 'await fixture.slow({ ms: 2500 }); return 7' } });
      assert.equal(resultOf(textOf(slow)), 7);
      assert.equal(resultOf(textOf(await kept.client.callTool({ name: RUN_TOOL.name, arguments: { code: 'return 1 + 1' } }))), 2);
      await kept.client.close();
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });

  test('the run limits and --max-output-chars apply to every run', async () => {
    const { config } = workspace();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', '--config', config, '--timeout-ms', '300', '--max-output-chars', '1000'],
      env: environment(),
      cwd: ROOT,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'serve-limits-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const spun = await client.callTool({ name: RUN_TOOL.name, arguments: { code: 'for (;;) {}' } });
      assert.equal(spun.isError, true);
      assert.match(textOf(spun), /300 ms/);
      const long = textOf(await client.callTool({ name: RUN_TOOL.name, arguments: { code: 'return "x".repeat(5000)' } }));
      assert.equal(long.length, 1000);
      assert.match(long, /\[Output cut: 1000 of \d+ characters shown/);
    } finally {
      await client.close();
    }
  });

  test('usage errors: --host without --port, a bad port, arguments, no configuration', async () => {
    const { config } = workspace();
    const empty = mkdtempSync(path.join(tmpdir(), 'codemode-serve-empty-'));
    const cases: [string[], RegExp][] = [
      [['serve', '--config', config, '--host', '0.0.0.0'], /--host needs --port/],
      [['serve', '--config', config, '--port', 'eighty'], /--port must be a whole number from 0 to 65535/],
      [['serve', '--config', config, '--max-output-chars', '10'], /--max-output-chars must be a whole number of at least 1000, got "10"/],
      [['serve', '--config', config, '--timeout-ms', 'soon'], /--timeout-ms must be a positive number, got "soon"/],
      [['serve', '--config', config, 'extra'], /serve takes no arguments/],
      [['serve', '--config', config, '--session-idle-s', '60'], /--session-idle-s needs --port/],
      [['serve', '--config', config, '--port', '0', '--session-idle-s', '0'], /--session-idle-s must be a whole number of at least 1, got "0"/],
      [['serve', '--config', config, '--json'], /Unknown option '--json'/],
      [['serve'], /No configuration: .*\.vscode\/mcp\.json does not exist/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await codemode(args, { cwd: empty });
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.equal(stdout, '');
    }
  });

  test('a port in use is reported', async () => {
    const { config } = workspace();
    const first = await serveHttp(config);
    try {
      const { code, stderr } = await codemode(['serve', '--config', config, '--port', String(first.port)], { cwd: ROOT });
      assert.equal(code, 2);
      assert.match(stderr, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${first.port}: the port is in use`));
    } finally {
      await first.stop();
    }
  });
});

/**
 * The MCP inspector's command line (`mcp-inspector --cli`, a devDependency): an independent client
 * that lists the tools and calls both, over stdio and over HTTP. (Its v1 package,
 * @modelcontextprotocol/inspector-cli, finds its own package.json from the working folder, so it
 * fails outside its own tree; v2 works.)
 */
function inspectorCli(): string {
  const manifest = require.resolve('@modelcontextprotocol/inspector/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(manifest), bin['mcp-inspector']!);
}

const INSPECTOR = inspectorCli();

function inspect(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INSPECTOR, '--cli', ...args], { cwd: ROOT, env: environment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('codemode serve with the MCP inspector', () => {
  test('lists the tools and calls both over stdio', async () => {
    const { config } = workspace();
    // Its own --config would take ours: everything after -- is the server's command line.
    const serve = ['--', process.execPath, CLI, 'serve', '--config', config];
    const listed = await inspect(['--method', 'tools/list', ...serve]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map((tool) => tool.name),
      [RUN_TOOL.name, SEARCH_TOOL.name],
    );
    const ran = await inspect(['--method', 'tools/call', '--tool-name', RUN_TOOL.name, '--tool-arg', 'code=return (await fixture.echo({ value: 6 * 7 })).value', ...serve]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(resultOf(textOf(JSON.parse(ran.stdout))), 42);
    const searched = await inspect(['--method', 'tools/call', '--tool-name', SEARCH_TOOL.name, '--tool-arg', 'query=echo', ...serve]);
    assert.match(textOf(JSON.parse(searched.stdout)), /declare namespace fixture/);
    await noProcessesLeft();
  });

  test('calls it over Streamable HTTP', async () => {
    const { config } = workspace();
    const serve = await serveHttp(config);
    try {
      // --tool-arg takes every word after it, so the URL goes first.
      const ran = await inspect(['--server-url', serve.url.href, '--method', 'tools/call', '--tool-name', RUN_TOOL.name, '--tool-arg', 'code=return 6 * 7']);
      assert.equal(ran.code, 0, ran.stderr);
      assert.equal(resultOf(textOf(JSON.parse(ran.stdout))), 42);
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  });
});
