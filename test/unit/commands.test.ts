// Command-line tools as a namespace: real programs (node, git, ls, echo) with typed parameters,
// text, JSON and lines output, failures, timeouts that end a whole process tree, arguments passed
// literally (no shell), and checks that refuse bad values before anything runs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config/load';
import type { ConnectionOptions } from '../../src/core/mcp/connection';
import { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { expandArguments, parseTemplate } from '../../src/core/sources/commands/arguments';
import { createSources } from '../../src/core/sources/create';
import { generateDeclarations, groupByServer } from '../../src/core/typegen/generate';
import { serverChildren } from '../helpers/servers';
import { typeCheck } from '../helpers/typecheck';

const SECRET = 'tok-9c1d77ab33e2';
const runner = new ScriptRunner();
const hubs: McpHub[] = [];
after(async () => {
  runner.dispose();
  await Promise.all(hubs.map((hub) => hub.dispose()));
});

const node = process.execPath;
/** A node one-liner that prints its arguments as JSON: what the program really received (node itself takes the "--"). */
const PRINT_ARGS = 'console.log(JSON.stringify(process.argv.slice(1)))';
/** Starts two grandchildren that sleep, then sleeps itself: a tree to kill. */
const TREE = `const { spawn } = require('child_process'); for (let i = 0; i < 2; i++) spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); setTimeout(() => {}, 60000);`;

const folder = mkdtempSync(path.join(tmpdir(), 'codemode-commands-'));

const CONFIG = {
  inputs: [{ id: 'token', type: 'promptString', password: true }],
  commands: {
    tools: {
      env: { TOOL_TOKEN: '${input:token}', MODE: '42' },
      tools: {
        args: {
          description: 'Prints the arguments it received as JSON.',
          command: node,
          args: ['-e', PRINT_ARGS, '--', '{text}', '--count={count}', '{files}', '{flag}', '{level}'],
          parameters: {
            text: { type: 'string', description: 'Any text.' },
            count: { type: 'integer', minimum: 0 },
            files: { type: 'array', items: { type: 'string' } },
            flag: { type: 'boolean' },
            level: { type: 'string', enum: ['low', 'high'], default: 'low' },
          },
          required: ['text'],
          output: 'json',
        },
        echo: { description: 'Echoes words.', command: 'echo', args: ['{words}'], parameters: { words: { type: 'array', items: { type: 'string' } } } },
        list: { description: 'Lists a folder.', command: 'ls', args: ['-1', '{dir}'], parameters: { dir: { type: 'string' } }, output: 'lines' },
        env: { command: node, args: ['-e', 'console.log(JSON.stringify({ token: process.env.TOOL_TOKEN, mode: process.env.MODE, cwd: process.cwd() }))'], output: 'json' },
        fail: { command: node, args: ['-e', `console.error('it went wrong with ' + process.env.TOOL_TOKEN); process.exit(3)`] },
        badJson: { command: node, args: ['-e', 'console.log("not json")'], output: 'json' },
        tree: { command: node, args: ['-e', TREE], timeoutMs: 1500 },
        slow: { command: node, args: ['-e', 'setTimeout(() => {}, 60000)'] },
        huge: { command: node, args: ['-e', 'const s = "x".repeat(1 << 20); for (let i = 0; i < 12; i++) process.stdout.write(s)'] },
        missing: { command: 'codemode-no-such-program', args: [] },
        gitLog: {
          description: 'Recent commits.',
          command: 'git',
          args: ['log', '--format=%s', '-n', '{count}', '--', '{path}'],
          parameters: { count: { type: 'integer', default: 5 }, path: { type: 'string' } },
          output: 'lines',
        },
      },
    },
  },
};

function hubFor(config: unknown, logs: string[] = []): McpHub {
  const loaded = parseConfig(JSON.stringify(config), path.join(folder, '.vscode/mcp.json'));
  assert.deepEqual(loaded.issues, []);
  const options: ConnectionOptions = {
    variables: { workspaceFolder: folder, env: process.env, inputs: loaded.inputs, input: async () => SECRET },
    roots: () => [],
    startupTimeoutMs: 10_000,
    clientVersion: 'test',
    onLog: (source, level, text) => logs.push(`${source} ${level} ${text}`),
  };
  const hub = new McpHub(loaded.servers, options, createSources(loaded, options));
  hubs.push(hub);
  return hub;
}

function run(hub: McpHub, code: string, limits = {}): Promise<RunResult> {
  return runner.run({ code, provider: hub, limits, source: 'test' });
}

describe('command-line tools', () => {
  let hub: McpHub;
  const logs: string[] = [];
  before(() => {
    writeFileSync(path.join(folder, 'a file.txt'), 'a');
    writeFileSync(path.join(folder, 'b.txt'), 'b');
    hub = hubFor(CONFIG, logs);
  });

  test('arguments are filled in literally: spaces, quotes and ; reach the program as they are', async () => {
    const tricky = `it's "quoted"; rm -rf / && echo $HOME \`id\` | cat > x`;
    const result = await run(hub, `return await tools.args({ text: ${JSON.stringify(tricky)}, count: 3, files: ['a b.txt', 'c;d'], flag: true })`);
    assert.equal(result.ok, true, result.error?.message);
    assert.deepEqual(result.result, [tricky, '--count=3', 'a b.txt', 'c;d', 'true', 'low']);
  });

  test('absent optional parameters drop their arguments; an empty array gives none', async () => {
    const result = await run(hub, `return await tools.args({ text: 'x', files: [], level: 'high' })`);
    assert.deepEqual(result.result, ['x', 'high']);
  });

  test('values are checked before anything runs: types, enums, minimum, unknown and required', async () => {
    const result = await run(
      hub,
      `const out = [];
       for (const args of [{ text: 1 }, { text: 'x', level: 'medium' }, { text: 'x', count: 1.5 }, { text: 'x', count: -1 }, { text: 'x', files: 'a' }, { text: 'x', nope: 1 }, {}]) {
         try { await tools.args(args); out.push('ran') } catch (e) { out.push(e.message.replace(/^.*failed: /, '')) }
       }
       return out;`,
    );
    assert.deepEqual(result.result, [
      'the argument "text" must be a string, got number 1',
      'the argument "level" must be one of "low", "high", got the string "medium"',
      'the argument "count" must be an integer, got number 1.5',
      'the argument "count" must be at least 0, got -1',
      'the argument "files" must be an array, got the string "a"',
      'unknown argument "nope"; expected "text", "count", "files", "flag", "level"',
      'the argument "text" is required',
    ]);
  });

  test('a value that would be read as an option is refused unless it comes after "--"', async () => {
    const result = await run(hub, `try { await tools.list({ dir: '--version' }) } catch (e) { return e.message }`);
    assert.match(result.result as string, /the argument "dir" cannot start with "-": it would be read as an option/);
    const after = await run(hub, `return await tools.args({ text: '--not-an-option' })`);
    assert.deepEqual(after.result, ['--not-an-option', 'low']);
  });

  test('a "-" from a string value is refused wherever its placeholder stands at the start of an argument', () => {
    const names = new Set(['name', 'prefix', 'count']);
    const expand = (args: readonly string[], values: Readonly<Record<string, string | number | readonly string[]>>): string[] =>
      expandArguments(
        args.map((arg) => parseTemplate(arg, names)),
        new Map(Object.entries(values)),
      );
    for (const [args, values] of [
      [['{name}.txt'], { name: '--upload-pack=touch pwned' }],
      [['{prefix}{name}'], { prefix: '', name: '-rf' }],
      [['{name}'], { name: ['ok', '--exec=x'] }],
    ] as const) {
      assert.throws(() => expand(args, values), /the argument "(name|prefix)" cannot start with "-"/, JSON.stringify(values));
    }
    // Literal text first, a number, or anything after "--" stays as it was.
    assert.deepEqual(expand(['--name={name}', '{count}', '--', '{name}.txt'], { name: '-x', count: -1 }), ['--name=-x', '-1', '--', '-x.txt']);
  });

  test('text, lines and JSON output; the workspace folder is the working directory; env is passed', async () => {
    const result = await run(
      hub,
      `const words = await tools.echo({ words: ['hello', 'big world'] });
       const files = await tools.list({ dir: '.' });
       const env = await tools.env();
       return { words, files, env };`,
    );
    assert.equal(result.ok, true, result.error?.message);
    const value = result.result as { words: string; files: string[]; env: { token: string; mode: string; cwd: string } };
    assert.equal(value.words, 'hello big world');
    assert.deepEqual(value.files, ['a file.txt', 'b.txt']);
    assert.equal(value.env.mode, '42');
    assert.equal(value.env.cwd, folder);
    assert.equal(value.env.token, '[redacted]', 'a secret the program echoes is redacted from its result');
  });

  test('a failing command throws with its exit code and stderr, secrets redacted; bad JSON and a missing program say so', async () => {
    const result = await run(
      hub,
      `const out = [];
       for (const call of [() => tools.fail(), () => tools.badJson(), () => tools.missing()]) {
         try { await call(); out.push('ran') } catch (e) { out.push(e.message) }
       }
       return out;`,
    );
    const [fail, badJson, missing] = result.result as string[];
    assert.match(fail!, /Tool "fail" on server "tools" failed: ".*node" exited with code 3: it went wrong with \[redacted\]$/);
    assert.match(badJson!, /did not print JSON \(.*\); its output begins: not json/);
    assert.match(missing!, /the command "codemode-no-such-program" was not found/);
    assert.doesNotMatch(JSON.stringify(result) + logs.join('\n'), new RegExp(SECRET));
  });

  test('a timeout kills the whole process tree', async () => {
    const started = Date.now();
    const running = run(hub, 'return await tools.tree()');
    await new Promise((resolve) => setTimeout(resolve, 900));
    const during = await serverChildren();
    assert.ok(during.length >= 3, `the program and its two children run: ${during.join(', ')}`);
    const result = await running;
    assert.match(result.error!.message, /did not finish within 1500 ms and was killed/);
    assert.ok(Date.now() - started < 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await serverChildren(), [], 'no process of the tree is left');
  });

  test('cancelling the run (its wall clock) kills the program too', async () => {
    const result = await run(hub, 'return await tools.slow()', { wallTimeoutMs: 800 });
    assert.equal(result.ok, false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await serverChildren(), []);
  });

  test('output beyond the limit kills the program with a clear error', async () => {
    const result = await run(hub, 'return await tools.huge()');
    assert.match(result.error!.message, /wrote more than 8388608 bytes and was killed/);
  });

  test('git, with a default and a path after "--"', async () => {
    execFileSync('git', ['init', '-q', folder]);
    for (const message of ['first', 'second', 'third']) {
      execFileSync('git', ['-C', folder, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', message]);
    }
    const result = await run(hub, `return { two: await tools.gitLog({ count: 2 }), all: await tools.gitLog({ path: '.' }) }`);
    assert.deepEqual(result.result, { two: ['third', 'second'], all: [] });
  });

  test('declarations compile under --strict with the parameters typed', async () => {
    const { tools } = await hub.catalog();
    const generated = await generateDeclarations(groupByServer(tools));
    assert.deepEqual(typeCheck(generated.files), []);
    const good = `async function main() { const parsed = await tools.args({ text: 'x', level: 'high', files: ['a'] }); const lines: string[] = await tools.list({ dir: '.' }); const text: string = await tools.echo({}); return [parsed, lines, text]; } void main();`;
    assert.deepEqual(typeCheck(new Map([...generated.files, ['script.ts', good]])), []);
    const bad = `async function main() { await tools.args({ text: 'x', level: 'medium' }); await tools.args({ count: 1 }); } void main();`;
    assert.equal(typeCheck(new Map([...generated.files, ['script.ts', bad]])).length, 2);
    assert.doesNotMatch([...generated.files.values()].join('\n'), new RegExp(SECRET));
  });
});

describe('command configuration', () => {
  test('problems are reported where they are; a bad tool is left out and its siblings load', () => {
    const text = JSON.stringify({
      commands: {
        a: { tools: { ok: { command: 'echo' }, noCommand: {}, badType: { command: 'x', parameters: { p: { type: 'object' } } }, badOutput: { command: 'x', output: 'xml' }, badRequired: { command: 'x', required: ['q'] }, typo: { command: 'x', args: ['{nme}'], parameters: { name: { type: 'string' } } } } },
        b: { tools: {} },
      },
    });
    const { sources, issues } = parseConfig(text, 'mcp.json');
    assert.deepEqual(
      sources.map((source) => source.type === 'command' && source.tools.map((tool) => tool.name)),
      [['ok', 'typo']],
    );
    assert.deepEqual(
      issues.map((issue) => `${issue.severity} ${issue.location.path}: ${issue.message}`),
      [
        'error commands.a.tools.noCommand: tool "noCommand" has no "command"',
        'error commands.a.tools.badType.parameters.p: "type" must be one of string, number, integer, boolean, array, got string "object"',
        'error commands.a.tools.badOutput.output: must be "text", "json" or "lines", got string "xml"',
        'error commands.a.tools.badRequired.required[0]: names no parameter: "q"',
        'warning commands.a.tools.typo.args[0]: {nme} names no parameter, so it is passed as it is',
        'error commands.b.tools: command source "b" needs "tools": an object of tool names to { "command", "args", "parameters" }',
      ],
    );
  });

  test('settings use codemode.commands and codemode.openapi, sharing names with codemode.servers', () => {
    const { sources, issues } = parseConfig(JSON.stringify({ 'codemode.servers': { x: { command: 'y' } }, 'codemode.commands': { x: { tools: { t: { command: 'z' } } }, c: { tools: { t: { command: 'z' } } } } }), 'settings.json');
    assert.deepEqual(sources.map((source) => source.name), ['c']);
    assert.match(issues[0]!.message, /"x" is already defined at codemode\.servers\.x/);
  });
});
