// `codemode`: the engine from a terminal or CI. Exit status 0 when the script succeeded, 1 when it
// failed (error, limit), 2 for usage or configuration errors.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeCall, formatError, formatValue, summarizeRun } from './core/run/format';
import { ScriptRunner } from './core/run/runner';
import type { RunResult } from './core/run/trace';
import type { Limits } from './core/sandbox/limits';
import { DEFAULT_LIMITS } from './core/sandbox/limits';

const USAGE = `Usage:
  codemode run <file|-> [options]   Run a script (TypeScript or JavaScript) in the sandbox

Options for run:
  --timeout-ms N        sandbox execution time limit (default ${DEFAULT_LIMITS.timeoutMs})
  --wall-timeout-ms N   whole-run wall-clock limit (default ${DEFAULT_LIMITS.wallTimeoutMs})
  --call-timeout-ms N   per tool call timeout (default ${DEFAULT_LIMITS.callTimeoutMs})
  --memory-mb N         guest memory limit in MiB (default ${DEFAULT_LIMITS.memoryMb})
  --json                print one JSON object with the result, logs, calls and error

  codemode --help | --version`;

class UsageError extends Error {}

const LIMIT_FLAGS = {
  'timeout-ms': 'timeoutMs',
  'wall-timeout-ms': 'wallTimeoutMs',
  'call-timeout-ms': 'callTimeoutMs',
  'memory-mb': 'memoryMb',
} as const satisfies Record<string, keyof Limits>;

function parseLimits(values: Record<string, string | boolean | undefined>): Partial<Limits> {
  const limits: Partial<Record<keyof Limits, number>> = {};
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (typeof raw !== 'string' || !/^\d+(\.\d+)?$/.test(raw.trim()) || value <= 0) {
      throw new UsageError(`--${flag} must be a positive number, got "${String(raw)}"`);
    }
    limits[key] = value;
  }
  return limits;
}

async function readScript(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`Cannot read script ${path.resolve(file)}: ${reason}`);
  }
}

/** The `--json` document: exactly the fields DESIGN.md lists, with `result` null when absent. */
function toJsonOutput(result: RunResult): object {
  const error = result.error && {
    name: result.error.name,
    message: result.error.message,
    ...(result.error.line !== undefined ? { line: result.error.line } : {}),
    ...(result.error.column !== undefined ? { column: result.error.column } : {}),
  };
  return {
    ok: result.ok,
    result: result.result ?? null,
    logs: result.logs,
    calls: result.calls,
    error,
    durationMs: result.durationMs,
  };
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      'wall-timeout-ms': { type: 'string' },
      'call-timeout-ms': { type: 'string' },
      'memory-mb': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one script file, or - for standard input');
  const file = positionals[0]!;
  const limits = parseLimits(values);
  const code = await readScript(file);
  const fileName = file === '-' ? 'stdin.ts' : path.basename(file);
  const json = values.json === true;

  const runner = new ScriptRunner();
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runner.run({
      code,
      fileName,
      limits,
      source: 'cli',
      signal: abort.signal,
      onEvent: json
        ? undefined
        : (event) => {
            if (event.type !== 'log') return;
            const stream = event.level === 'warn' || event.level === 'error' ? process.stderr : process.stdout;
            stream.write(`${event.text}\n`);
          },
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(toJsonOutput(result))}\n`);
    } else {
      if (result.ok && result.result !== undefined) process.stdout.write(`${formatValue(result.result)}\n`);
      if (result.error) process.stderr.write(`\n${formatError(result.error, code, fileName)}\n`);
      for (const call of result.calls) process.stderr.write(`  ${describeCall(call)}\n`);
      process.stderr.write(`${summarizeRun(result)}\n`);
    }
    return result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    runner.dispose();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${process.env.CODEMODE_VERSION ?? 'dev'}\n`);
    return 0;
  }
  if (command === 'run') return run(rest);
  throw new UsageError(`Unknown command "${command}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`codemode: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`codemode: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
