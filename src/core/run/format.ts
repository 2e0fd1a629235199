// Plain-text renderings of a run, shared by the CLI and (later) the language-model tool.

import type { CallRecord, RunError, RunResult } from './trace';

export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `2 tool calls (1 failed) in 120 ms`. */
export function summarizeRun(result: RunResult): string {
  const failed = result.calls.filter((call) => !call.ok).length;
  const calls = `${result.calls.length} tool call${result.calls.length === 1 ? '' : 's'}${failed > 0 ? ` (${failed} failed)` : ''}`;
  return `${result.ok ? 'ok' : 'failed'}: ${calls} in ${formatDuration(result.durationMs)}`;
}

/** `filesystem.read_file ok 12 ms` or `… failed 30 s: message`. */
export function describeCall(call: CallRecord): string {
  const head = `${call.server}.${call.tool} ${call.ok ? 'ok' : 'failed'} ${formatDuration(call.durationMs)}`;
  return call.error ? `${head}: ${call.error.split('\n')[0]}` : head;
}

/**
 * The lines of `source` around `line`, numbered, with a caret under `column`:
 *
 *      2 | const x = 1;
 *    > 3 | return x.y.z;
 *        |          ^
 */
export function codeFrame(source: string, line: number, column: number | undefined, context = 1): string {
  const lines = source.replace(/\r?\n$/, '').split(/\r?\n/);
  if (line < 1 || line > lines.length) return '';
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line && column !== undefined && column >= 1) {
      const lead = lines[n - 1]!.slice(0, column - 1).replace(/[^\t]/g, ' ');
      out.push(`  ${' '.repeat(width)} | ${lead}^`);
    }
  }
  return out.join('\n');
}

/** An error with its place in the script: the message, the code frame, the mapped stack. */
export function formatError(error: RunError, source: string, fileName: string): string {
  const where = error.line !== undefined ? ` (${fileName}:${error.line}${error.column !== undefined ? `:${error.column}` : ''})` : '';
  const parts = [`${error.name}${where}: ${error.message}`];
  if (error.line !== undefined) {
    const frame = codeFrame(source, error.line, error.column);
    if (frame) parts.push(frame);
  }
  if (error.stack && error.stack.split('\n').length > 1) parts.push(error.stack);
  return parts.join('\n\n');
}

/** The result as people read it: strings as they are, everything else as indented JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

/**
 * A run as a model should read it: the result as JSON, the logs, one line per tool call, and on
 * failure the error with its place and the calls that had completed — and, given the script's
 * `source`, the lines around that place, so the model sees what it wrote there. Capped at
 * `maxChars`, with a notice saying so.
 */
export function formatForModel(result: RunResult, maxChars: number, source?: string): string {
  const parts: string[] = [];
  if (result.error) {
    const where = result.error.line !== undefined ? ` at line ${result.error.line}${result.error.column !== undefined ? `, column ${result.error.column}` : ''}` : '';
    parts.push(`The script failed${where}: ${result.error.name}: ${result.error.message}`);
    const frame = source !== undefined && result.error.line !== undefined ? codeFrame(source, result.error.line, result.error.column) : '';
    if (frame) parts.push(frame);
  } else {
    parts.push(`Result:\n${result.result === undefined ? '(the script returned nothing)' : (JSON.stringify(result.result, null, 1) ?? 'undefined')}`);
  }
  if (result.logs.length > 0) parts.push(`Logs:\n${result.logs.map((log) => (log.level === 'log' ? log.text : `[${log.level}] ${log.text}`)).join('\n')}`);
  if (result.calls.length > 0) parts.push(`Tool calls (${result.calls.length}):\n${result.calls.map((call) => `- ${describeCall(call)}`).join('\n')}`);
  const text = parts.join('\n\n');
  if (text.length <= maxChars) return text;
  const notice = `\n\n[Output cut: ${maxChars} of ${text.length} characters shown. Return less: filter or summarise in the script.]`;
  return text.slice(0, Math.max(0, maxChars - notice.length)) + notice;
}
