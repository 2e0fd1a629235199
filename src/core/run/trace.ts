// The one record of a run. The CLI, the language-model tool and the panel all read these types;
// `RunResult` is also, field for field, what `codemode run --json` prints.

import type { Limits } from '../sandbox/limits';
import type { LogLevel } from '../sandbox/protocol';

export type { LogLevel };

export interface LogEntry {
  readonly level: LogLevel;
  readonly text: string;
}

export interface CallRecord {
  readonly server: string;
  readonly tool: string;
  readonly args: unknown;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error?: string;
}

export interface RunError {
  readonly name: string;
  readonly message: string;
  /** 1-based line in the script as written, when the error has a place in it. */
  readonly line?: number;
  /** 1-based column in the script as written. */
  readonly column?: number;
  /** The guest stack with positions mapped to the script as written; not part of the CLI's JSON. */
  readonly stack?: string;
  /** Set when a limit ended the run. */
  readonly limit?: keyof Limits;
}

export interface RunResult {
  readonly ok: boolean;
  readonly result: unknown;
  readonly logs: readonly LogEntry[];
  readonly calls: readonly CallRecord[];
  readonly error: RunError | null;
  readonly durationMs: number;
}

/** Where a run came from, for the panel and logs. */
export type RunSource = 'cli' | 'editor' | 'lm-tool' | 'chat' | 'test' | 'bench';

/** `at` is epoch milliseconds; durations are milliseconds. */
export type TraceEvent =
  | {
      readonly type: 'run-started';
      readonly runId: string;
      readonly at: number;
      readonly source: RunSource;
      readonly code: string;
      readonly fileName?: string;
      readonly limits: Limits;
    }
  | { readonly type: 'log'; readonly runId: string; readonly at: number; readonly level: LogLevel; readonly text: string }
  | {
      readonly type: 'call-started';
      readonly runId: string;
      readonly callId: number;
      readonly at: number;
      readonly server: string;
      readonly tool: string;
      readonly args: unknown;
    }
  | {
      readonly type: 'call-finished';
      readonly runId: string;
      readonly callId: number;
      readonly at: number;
      readonly ok: boolean;
      readonly durationMs: number;
      readonly result?: unknown;
      readonly error?: string;
    }
  | { readonly type: 'run-finished'; readonly runId: string; readonly at: number; readonly result: RunResult };
