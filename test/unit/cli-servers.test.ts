// The built CLI with configured servers: codemode tools, codemode types, codemode run --config,
// configuration errors, and inputs.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { codemode as run, type CliOutcome } from '../helpers/cli';
import { FIXTURE, ROOT } from '../helpers/servers';

const EXAMPLE = path.join(ROOT, 'examples/workspace');
const EXAMPLE_CONFIG = path.join(EXAMPLE, '.vscode/mcp.json');

function codemode(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliOutcome> {
  return run(args, { cwd: options.cwd ?? ROOT, env: options.env });
}

describe('codemode tools', () => {
  test('--json lists every server of the example workspace with its tools', async () => {
    const { code, stdout, stderr } = await codemode(['tools', '--config', EXAMPLE_CONFIG, '--json']);
    assert.equal(code, 0, stderr);
    const { servers } = JSON.parse(stdout) as { servers: { name: string; status: string; tools: { name: string; function: string }[] }[] };
    assert.deepEqual(
      servers.map((server) => [server.name, server.status]),
      [
        ['filesystem', 'ready'],
        ['memory', 'ready'],
        ['everything', 'ready'],
      ],
    );
    const filesystem = servers[0]!.tools.find((tool) => tool.name === 'read_text_file');
    assert.equal(filesystem?.function, 'readTextFile');
  });

  test('a query finds tools by words, best first', async () => {
    const { code, stdout } = await codemode(['tools', '--config', EXAMPLE_CONFIG, 'knowledge graph entities']);
    assert.equal(code, 0);
    const first = stdout.split('\n')[0]!;
    assert.match(first, /^memory\.\w+ {2}\(memory\/\w+\)/);
    assert.match(stdout, /memory\.createEntities/);
  });

  test('with no configuration it says which file it looked for (exit 2)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'codemode-noconfig-'));
    const { code, stderr } = await codemode(['tools'], { cwd: empty });
    assert.equal(code, 2);
    assert.match(stderr, /No configuration: .*\.vscode\/mcp\.json does not exist; pass --config <file>/);
  });
});

describe('codemode types', () => {
  test('writes one file per server plus an index, the same bytes every time, and nothing else', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'codemode-types-'));
    const dir = path.join(out, 'decl');
    const first = await codemode(['types', '--config', EXAMPLE_CONFIG, '--out', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(readdirSync(out), ['decl']);
    assert.deepEqual(readdirSync(dir).sort(), ['everything.d.ts', 'filesystem.d.ts', 'index.d.ts', 'memory.d.ts']);
    const before = new Map(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]));
    writeFileSync(path.join(dir, 'stale.d.ts'), `${before.get('index.d.ts')!.split('\n')[0]}\n// from an old server\n`);
    const second = await codemode(['types', '--config', EXAMPLE_CONFIG, '--out', dir]);
    assert.equal(second.code, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['everything.d.ts', 'filesystem.d.ts', 'index.d.ts', 'memory.d.ts'], 'its own stale file is removed');
    for (const [name, text] of before) assert.equal(readFileSync(path.join(dir, name), 'utf8'), text, name);
  });

  test('never overwrites a file it did not write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'codemode-types-'));
    writeFileSync(path.join(dir, 'memory.d.ts'), '// my own notes\n');
    const { code, stderr } = await codemode(['types', '--config', EXAMPLE_CONFIG, '--out', dir]);
    assert.equal(code, 2);
    assert.match(stderr, /Refusing to overwrite .*memory\.d\.ts: it was not written by Code Mode/);
    assert.equal(readFileSync(path.join(dir, 'memory.d.ts'), 'utf8'), '// my own notes\n');
  });

  test('needs --out', async () => {
    const { code, stderr } = await codemode(['types', '--config', EXAMPLE_CONFIG]);
    assert.equal(code, 2);
    assert.match(stderr, /types needs --out <dir>/);
  });
});

describe('codemode run --config', () => {
  test('runs an example script against the real servers', async () => {
    const { code, stdout, stderr } = await codemode(['run', '--config', EXAMPLE_CONFIG, path.join(EXAMPLE, 'scripts/summarize-log.ts'), '--json']);
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout);
    assert.equal(output.ok, true);
    assert.equal(output.result.lines, 4000);
    assert.ok(Object.keys(output.result.errorsByService).length >= 3);
    assert.deepEqual(
      output.calls.map((call: { tool: string }) => call.tool),
      ['list_allowed_directories', 'read_text_file'],
    );
  });

  test('finds .vscode/mcp.json in the current folder by default', async () => {
    const { code, stdout } = await codemode(['run', 'scripts/parallel.ts', '--json'], { cwd: EXAMPLE });
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).result.sizes['customers.json'] > 0, true);
  });

  test('invalid JSON in the configuration is a usage error naming the file and line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'codemode-badconfig-'));
    const file = path.join(dir, 'mcp.json');
    writeFileSync(file, '{\n  "servers": {\n    "a": { "command": "node" ,, }\n  }\n}\n');
    const { code, stderr } = await codemode(['run', '-', '--config', file]);
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: error: invalid JSON`));
  });

  test('a missing --config file is a usage error', async () => {
    const { code, stderr } = await codemode(['run', '-', '--config', '/nowhere/mcp.json']);
    assert.equal(code, 2);
    assert.match(stderr, /Cannot read configuration \/nowhere\/mcp\.json: no such file/);
  });

  test('a bad server is reported and the good ones still run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'codemode-mixed-'));
    mkdirSync(path.join(dir, '.vscode'));
    writeFileSync(
      path.join(dir, '.vscode/mcp.json'),
      JSON.stringify({ servers: { good: { command: process.execPath, args: [FIXTURE, 'basic'] }, bad: { type: 'http' } } }),
    );
    writeFileSync(path.join(dir, 'script.ts'), 'return (await good.echo({ value: "still here" })).value');
    const result = await codemode(['run', 'script.ts', '--json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).result, 'still here');
    assert.match(result.stderr, /\.vscode\/mcp\.json:1:\d+: error: servers\.bad: server "bad" of type "http" has no "url"/);
  });

  test('inputs come from CODEMODE_INPUT_* and never show up in the output', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'codemode-inputs-'));
    const config = path.join(dir, 'mcp.json');
    writeFileSync(
      config,
      JSON.stringify({
        inputs: [{ type: 'promptString', id: 'api-token', description: 'Token', password: true }],
        servers: { secretive: { command: process.execPath, args: [FIXTURE, 'basic'], env: { SECRET_TOKEN: '${input:api-token}' } } },
      }),
    );
    const script = path.join(dir, 'script.ts');
    writeFileSync(script, 'return await secretive.env({ name: "SECRET_TOKEN" });');
    const secret = 'tok-3f9a8b7c6d5e';
    const given = await codemode(['run', script, '--config', config, '--json', '--verbose'], { env: { CODEMODE_INPUT_API_TOKEN: secret } });
    assert.equal(given.code, 0, given.stderr);
    // The server received the token; echoing it back to the script is redacted.
    assert.equal(JSON.parse(given.stdout).result, '[redacted]');
    assert.doesNotMatch(given.stdout + given.stderr, new RegExp(secret));

    const none = await codemode(['run', script, '--config', config, '--json']);
    assert.equal(none.code, 1);
    assert.match(JSON.parse(none.stdout).error.message, /input "api-token" \(Token\) has no value: set CODEMODE_INPUT_API_TOKEN/);
  });
});
