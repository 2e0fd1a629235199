// Reading server definitions in the shapes users already have, and resolving their variables.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseEnvFile } from '../../src/core/config/envFile';
import { configFromValue, parseConfig } from '../../src/core/config/load';
import { formatIssue, type InputDefinition } from '../../src/core/config/types';
import { redact, redactValue, resolveServer, type VariableContext } from '../../src/core/config/variables';

const MCP_JSON = `// Servers for this workspace
{
  "inputs": [
    { "type": "promptString", "id": "api-key", "description": "Service API key", "password": true },
  ],
  "servers": {
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "\${workspaceFolder}/data"], // trailing comment
      "env": { "TOKEN": "\${input:api-key}", "DEBUG": null, "LEVEL": 3 },
    },
    "remote": { "type": "http", "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer \${input:api-key}" } },
    "legacy": { "type": "sse", "url": "http://localhost:3001/sse" },
  },
}`;

describe('the .vscode/mcp.json shape', () => {
  test('reads stdio, http and sse servers and inputs from JSON with comments and trailing commas', () => {
    const config = parseConfig(MCP_JSON, '/ws/.vscode/mcp.json');
    assert.deepEqual(config.issues, []);
    assert.deepEqual(
      config.servers.map((server) => [server.name, server.type]),
      [
        ['files', 'stdio'],
        ['remote', 'http'],
        ['legacy', 'sse'],
      ],
    );
    const files = config.servers[0]!;
    assert.equal(files.type, 'stdio');
    if (files.type === 'stdio') {
      assert.deepEqual(files.args, ['-y', '@modelcontextprotocol/server-filesystem', '${workspaceFolder}/data']);
      assert.deepEqual(files.env, { TOKEN: '${input:api-key}', DEBUG: null, LEVEL: '3' });
    }
    assert.equal(files.source.line, 7);
    assert.deepEqual(config.inputs, [{ id: 'api-key', type: 'promptString', description: 'Service API key', password: true }]);
  });

  test('a bad server is reported with file, line and JSON path, and the others still load', () => {
    const text = `{
  "servers": {
    "good": { "command": "node", "args": ["server.js"] },
    "no-command": { "args": ["x"] },
    "bad-args": { "command": "node", "args": "server.js" },
    "bad-url": { "type": "http", "url": "ftp://example.com" },
    "bad-type": { "type": "websocket", "url": "ws://x" },
    "typo": { "command": "node", "argz": [] }
  }
}`;
    const config = parseConfig(text, '/ws/.vscode/mcp.json');
    assert.deepEqual(
      config.servers.map((server) => server.name),
      ['good', 'typo'],
    );
    const messages = config.issues.map(formatIssue);
    assert.deepEqual(messages, [
      '/ws/.vscode/mcp.json:4:5: error: servers.no-command: server "no-command" has no "command" (or "url" for a remote server)',
      '/ws/.vscode/mcp.json:5:38: error: servers.bad-args.args: must be an array of strings',
      '/ws/.vscode/mcp.json:6:34: error: servers.bad-url.url: must be an http:// or https:// URL, got a URL with the ftp: scheme',
      '/ws/.vscode/mcp.json:7:19: error: servers.bad-type.type: must be "stdio", "http" or "sse", got string "websocket"',
      '/ws/.vscode/mcp.json:8:34: warning: servers.typo.argz: is not a property of stdio servers and is ignored',
    ]);
    assert.equal(config.issues[0]!.server, 'no-command');
  });

  test('invalid JSON is reported at its position and loads nothing', () => {
    const config = parseConfig('{\n  "servers": {\n    "a": { "command": "x" }\n  \n', '/ws/mcp.json');
    assert.equal(config.servers.length, 0);
    assert.match(formatIssue(config.issues[0]!), /^\/ws\/mcp\.json:\d+:\d+: error: invalid JSON: /);
  });

  test('a file with no servers says what it expected', () => {
    const config = parseConfig('{ "editor.fontSize": 14 }', '/ws/settings.json');
    assert.match(config.issues[0]!.message, /expected "servers" .* or "codemode\.servers"/);
  });

  test('an undefined ${input:…} is a warning, not an error', () => {
    const config = parseConfig('{ "servers": { "a": { "command": "x", "env": { "K": "${input:nope}" } } } }', 'f.json');
    assert.equal(config.servers.length, 1);
    assert.equal(config.issues[0]!.severity, 'warning');
    assert.match(config.issues[0]!.message, /\$\{input:nope\}/);
  });
});

describe('the settings.json shapes', () => {
  test('codemode.servers with codemode.inputs', () => {
    const config = parseConfig('{ "editor.tabSize": 2, "codemode.servers": { "mem": { "command": "node", "args": ["m.js"] } }, "codemode.inputs": [{ "id": "k", "description": "Key" }] }', '/u/settings.json');
    assert.deepEqual(config.issues, []);
    assert.equal(config.servers[0]!.name, 'mem');
    assert.equal(config.inputs[0]!.id, 'k');
  });

  test('codemode.servers holding the whole mcp.json shape, and VS Code’s own "mcp" section', () => {
    const nested = parseConfig('{ "codemode.servers": { "servers": { "a": { "command": "x" } }, "inputs": [] } }', 's.json');
    assert.deepEqual(
      nested.servers.map((server) => server.name),
      ['a'],
    );
    const vscode = parseConfig('{ "mcp": { "servers": { "b": { "url": "https://x.dev/mcp" } } } }', 's.json');
    assert.deepEqual(
      vscode.servers.map((server) => [server.name, server.type]),
      [['b', 'http']],
    );
  });

  test('values from the VS Code settings API validate the same way, naming the setting', () => {
    const config = configFromValue({ 'codemode.servers': { ok: { command: 'node' }, broken: { command: 5 } } }, 'settings: codemode.servers');
    assert.deepEqual(
      config.servers.map((server) => server.name),
      ['ok'],
    );
    assert.equal(formatIssue(config.issues[0]!), 'settings: codemode.servers: error: codemode.servers.broken.command: must be a non-empty string, got number 5');
  });
});

describe('variables', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'codemode-vars-'));
  const asked: string[] = [];
  const context = (overrides: Partial<VariableContext> = {}): VariableContext => ({
    workspaceFolder: folder,
    env: { HOME_DIR: '/home/me', PATH: '/usr/bin', REMOVE_ME: 'x' },
    inputs: [{ id: 'api-key', type: 'promptString', description: 'Key', password: true }],
    input: async (input: InputDefinition, server: string) => {
      asked.push(`${server}:${input.id}`);
      return 'sk-secret-123';
    },
    ...overrides,
  });

  test('workspaceFolder, env and input resolve; each input is asked once per server; stdio env inherits', async () => {
    const [server] = parseConfig(
      '{ "servers": { "s": { "command": "${workspaceFolder}/bin/run", "args": ["--home=${env:HOME_DIR}", "--key=${input:api-key}", "${env:UNSET}"], "env": { "TOKEN": "${input:api-key}", "REMOVE_ME": null }, "cwd": "sub" } } }',
      'f.json',
    ).servers;
    const resolved = await resolveServer(server!, context());
    assert.equal(resolved.type, 'stdio');
    if (resolved.type !== 'stdio') return;
    assert.equal(resolved.command, `${folder}/bin/run`);
    assert.deepEqual(resolved.args, ['--home=/home/me', '--key=sk-secret-123', '']);
    assert.equal(resolved.env.TOKEN, 'sk-secret-123');
    assert.equal(resolved.env.PATH, '/usr/bin', 'the inherited environment is kept');
    assert.equal('REMOVE_ME' in resolved.env, false, 'null removes a variable');
    assert.equal(resolved.cwd, path.join(folder, 'sub'));
    assert.deepEqual(asked, ['s:api-key']);
    assert.ok(resolved.secrets.includes('sk-secret-123'));
  });

  test('headers resolve and count as secrets; an unknown variable names the server and place', async () => {
    const config = parseConfig('{ "servers": { "r": { "url": "https://x.dev/${env:HOME_DIR}", "headers": { "Authorization": "Bearer ${input:api-key}" } }, "bad": { "command": "${wat}" } } }', 'f.json');
    const remote = await resolveServer(config.servers[0]!, context());
    assert.equal(remote.type === 'http' && remote.headers.Authorization, 'Bearer sk-secret-123');
    assert.ok(remote.secrets.includes('Bearer sk-secret-123'));
    await assert.rejects(resolveServer(config.servers[1]!, context()), /server "bad": \$\{wat\} in command is not a variable Code Mode knows/);
  });

  test('errors never carry resolved secrets, and ${env:…} values count as secrets', async () => {
    const [bad] = parseConfig('{ "servers": { "r": { "url": "${input:api-key}" } } }', 'f.json').servers;
    await assert.rejects(resolveServer(bad!, context()), (error: Error) => {
      assert.match(error.message, /url resolves to "\[redacted\]", which is not an http/);
      assert.doesNotMatch(error.message, /sk-secret-123/);
      return true;
    });
    const [server] = parseConfig('{ "servers": { "s": { "command": "x", "args": ["--home=${env:HOME_DIR}"] } } }', 'f.json').servers;
    assert.ok((await resolveServer(server!, context())).secrets.includes('/home/me'));
  });

  test('envFile values load under the configured env, relative to the workspace', async () => {
    writeFileSync(path.join(folder, '.env'), '# comment\nexport A=1\nB="two words\\n"\nC=plain # trailing\nTOKEN=from-file\n');
    const [server] = parseConfig('{ "servers": { "s": { "command": "x", "envFile": ".env", "env": { "TOKEN": "from-config" } } } }', 'f.json').servers;
    const resolved = await resolveServer(server!, context());
    assert.ok(resolved.type === 'stdio');
    if (resolved.type !== 'stdio') return;
    assert.equal(resolved.env.A, '1');
    assert.equal(resolved.env.B, 'two words\n');
    assert.equal(resolved.env.C, 'plain');
    assert.equal(resolved.env.TOKEN, 'from-config');
    const [missing] = parseConfig('{ "servers": { "s": { "command": "x", "envFile": "nope.env" } } }', 'f.json').servers;
    await assert.rejects(resolveServer(missing!, context()), /server "s": cannot read envFile .*nope\.env: no such file/);
  });

  test('a dotenv line that is not KEY=value names its line', () => {
    assert.throws(() => parseEnvFile('A=1\nthis is wrong\n', '.env'), /\.env:2: expected KEY=value/);
  });

  test('redaction replaces every secret, longest first', () => {
    assert.equal(redact('token sk-123 and Bearer sk-123', ['sk-123', 'Bearer sk-123']), 'token [redacted] and [redacted]');
  });

  test('a header credential counts alone too; flags, numbers and workspace paths in env do not count', async () => {
    const [remote] = parseConfig('{ "servers": { "r": { "url": "https://x.dev", "headers": { "Authorization": "Bearer ${input:api-key}" } } } }', 'f.json').servers;
    assert.deepEqual([...(await resolveServer(remote!, context())).secrets].sort(), ['Bearer sk-secret-123', 'sk-secret-123']);
    const [server] = parseConfig(
      '{ "servers": { "s": { "command": "x", "env": { "DEBUG": "true", "PORT": "8080", "ROOT": "${workspaceFolder}/data", "KEY": "literal-key-1", "MIXED": "${workspaceFolder}:${input:api-key}" } } } }',
      'f.json',
    ).servers;
    const secrets = (await resolveServer(server!, context())).secrets;
    assert.deepEqual([...secrets].sort(), [`${folder}:sk-secret-123`, 'literal-key-1', 'sk-secret-123'].sort());
  });

  test('values are redacted in strings and property names at any depth, and the original is untouched', () => {
    const original = { list: ['a sk-1234 b', 5, null, true], ['key-sk-1234']: { nested: 'sk-1234' } };
    assert.deepEqual(redactValue(original, ['sk-1234']), { list: ['a [redacted] b', 5, null, true], ['key-[redacted]']: { nested: '[redacted]' } });
    assert.equal(original.list[0], 'a sk-1234 b');
    let deep: unknown = 'sk-1234';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    let inner = redactValue(deep, ['sk-1234']);
    for (let i = 0; i < 200_000; i++) inner = (inner as unknown[])[0];
    assert.equal(inner, '[redacted]');
    assert.equal(redactValue(original, []), original, 'nothing to hide: the same value back');
  });
});
