// Runs the built `codemode` command as a user would: a child process of dist/cli.js.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './root';

export const CLI = path.join(ROOT, 'dist/cli.js');

export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed. */
  readonly stdin?: string;
}

export function codemode(args: readonly string[], options: CliOptions): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
