// `codemode run <file|->`: one script in the sandbox, with the configured servers as namespaces.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeCall, formatError, formatValue, summarizeRun } from '../core/run/format';
import { ScriptRunner } from '../core/run/runner';
import type { RunResult } from '../core/run/trace';
import type { Limits } from '../core/sandbox/limits';
import { UsageError } from './usage';
import { openWorkspace } from './workspace';

const LIMIT_FLAGS = {
  'timeout-ms': 'timeoutMs',
  'wall-timeout-ms': 'wallTimeoutMs',
  'call-timeout-ms': 'callTimeoutMs',
  'memory-mb': 'memoryMb',
} as const satisfies Record<string, keyof Limits>;

export const RUN_OPTIONS = {
  'timeout-ms': { type: 'string' },
  'wall-timeout-ms': { type: 'string' },
  'call-timeout-ms': { type: 'string' },
  'memory-mb': { type: 'string' },
} as const;

export function parseLimits(values: Record<string, unknown>): Partial<Limits> {
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
export function toJsonOutput(result: RunResult): object {
  const error = result.error && {
    name: result.error.name,
    message: result.error.message,
    ...(result.error.line !== undefined ? { line: result.error.line } : {}),
    ...(result.error.column !== undefined ? { column: result.error.column } : {}),
  };
  return { ok: result.ok, result: result.result ?? null, logs: result.logs, calls: result.calls, error, durationMs: result.durationMs };
}

export async function runCommand(positionals: readonly string[], values: Record<string, unknown>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('run takes one script file, or - for standard input');
  const file = positionals[0]!;
  const limits = parseLimits(values);
  const code = await readScript(file);
  const fileName = file === '-' ? 'stdin.ts' : path.basename(file);
  const json = values.json === true;
  const workspace = await openWorkspace(values.config as string | undefined, { required: values.config !== undefined, verbose: values.verbose === true });

  const runner = new ScriptRunner();
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runner.run({
      code,
      fileName,
      limits,
      provider: workspace.hub,
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
    await workspace.hub.dispose();
  }
}
