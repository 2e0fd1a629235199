// The built `codemode` command, run as a user runs it: a child process of dist/cli.js.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { CLI as cli, codemode as run, type CliOutcome } from '../helpers/cli';

const work = mkdtempSync(path.join(tmpdir(), 'codemode-cli-'));

function codemode(args: string[], stdin?: string): Promise<CliOutcome> {
  return run(args, { cwd: work, stdin });
}

function script(name: string, text: string): string {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
}

before(() => {
  assert.ok(existsSync(cli), 'dist/cli.js exists (npm test builds it first)');
});

describe('codemode run --json', () => {
  test('prints exactly one JSON object with the documented fields, and exits 0', async () => {
    const file = script('ok.ts', 'const n: number = 6;\nconsole.log("computing");\nconsole.warn("careful");\nreturn { answer: n * 7 };\n');
    const { code, stdout, stderr } = await codemode(['run', file, '--json']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const output = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(output).sort(), ['calls', 'durationMs', 'error', 'logs', 'ok', 'result']);
    assert.equal(output.ok, true);
    assert.deepEqual(output.result, { answer: 42 });
    assert.deepEqual(output.logs, [
      { level: 'log', text: 'computing' },
      { level: 'warn', text: 'careful' },
    ]);
    assert.deepEqual(output.calls, []);
    assert.equal(output.error, null);
    assert.equal(typeof output.durationMs, 'number');
  });

  test('a script without a value has result null', async () => {
    const { stdout } = await codemode(['run', script('none.js', 'console.log(1)'), '--json']);
    assert.equal(JSON.parse(stdout).result, null);
  });

  test('a failing script exits 1 with the error name, message, line and column', async () => {
    const file = script('fail.ts', 'const rows: any[] = [];\n\nconst first = rows[0].id;\n');
    const { code, stdout } = await codemode(['run', file, '--json']);
    assert.equal(code, 1);
    const output = JSON.parse(stdout);
    assert.equal(output.ok, false);
    assert.deepEqual(Object.keys(output.error).sort(), ['column', 'line', 'message', 'name']);
    assert.equal(output.error.name, 'TypeError');
    assert.equal(output.error.line, 3);
    assert.equal(output.error.column, 22);
  });

  test('reads the script from standard input with -', async () => {
    const { code, stdout } = await codemode(['run', '-', '--json'], 'return [1, 2, 3].map((x: number) => x * 2)');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout).result, [2, 4, 6]);
  });

  test('limit flags apply and the error names the limit', async () => {
    const spin = await codemode(['run', '-', '--json', '--timeout-ms', '150'], 'while (true) {}');
    assert.equal(spin.code, 1);
    assert.equal(JSON.parse(spin.stdout).error.name, 'TimeLimitError');
    assert.match(JSON.parse(spin.stdout).error.message, /150 ms \(timeoutMs\)/);

    const bomb = await codemode(['run', '-', '--json', '--memory-mb', '8'], 'const k = []; for (;;) k.push(new Uint8Array(1 << 20));');
    assert.equal(bomb.code, 1);
    assert.match(JSON.parse(bomb.stdout).error.message, /memory limit of 8 MiB/);

    const wall = await codemode(['run', '-', '--json', '--wall-timeout-ms', '100', '--timeout-ms', '5000'], 'while (true) {}');
    assert.equal(wall.code, 1);
    assert.equal(JSON.parse(wall.stdout).error.name, 'WallClockLimitError');
  });
});

describe('codemode run, for people', () => {
  test('prints logs, the result and a summary; errors come with the offending line', async () => {
    const ok = await codemode(['run', script('people.ts', 'console.log("hello");\nreturn { a: 1 };\n')]);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, 'hello\n{\n  "a": 1\n}\n');
    assert.match(ok.stderr, /ok: 0 tool calls in \d+/);

    const failed = await codemode(['run', script('broken.ts', 'const a = 1;\nconst b = a.c.d;\nreturn b;\n')]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /TypeError \(broken\.ts:2:14\): cannot read property 'd' of undefined/);
    assert.match(failed.stderr, /> 2 \| const b = a\.c\.d;\n {4}\| {14}\^/);
  });

  test('a syntax error is reported with its place before anything runs', async () => {
    const { code, stdout, stderr } = await codemode(['run', script('syntax.ts', 'console.log("never");\nconst = 1;\n')]);
    assert.equal(code, 1);
    assert.equal(stdout, '', 'nothing ran');
    assert.match(stderr, /SyntaxError \(syntax\.ts:2:7\)/);
  });
});

describe('usage errors exit 2 with a message', () => {
  test('no script', async () => {
    const { code, stderr } = await codemode(['run']);
    assert.equal(code, 2);
    assert.match(stderr, /run takes one script file/);
  });

  test('a missing file is named', async () => {
    const { code, stderr } = await codemode(['run', 'missing.ts']);
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`Cannot read script ${path.join(work, 'missing.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`));
  });

  test('a bad limit value and an unknown flag', async () => {
    const bad = await codemode(['run', '-', '--timeout-ms', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout-ms must be a positive number, got "soon"/);
    const unknown = await codemode(['run', '-', '--fast']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--fast'/);
  });

  test('an unknown command', async () => {
    const { code, stderr } = await codemode(['fly']);
    assert.equal(code, 2);
    assert.match(stderr, /Unknown command "fly"/);
  });
});
