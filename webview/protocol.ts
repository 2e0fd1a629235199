// The one message protocol between the extension and the run panel. Both sides import it; the
// extension turns the engine's trace events into these panel events (runHistory.ts), keeping
// every payload small enough to buffer, persist and post.

import type { Limits } from '../src/core/sandbox/limits';
import type { LogLevel, RunError, RunSource, TraceEvent } from '../src/core/run/trace';
import type { TokenAccount } from '../src/core/tokens/account';

export type { LogLevel, RunError, RunSource, TokenAccount, Limits };

/**
 * A JSON value as the panel shows it: whole when small, else the start of its JSON text. Values
 * that cannot be shown as JSON (a tool may return anything) arrive as their text.
 */
export type Payload =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'truncated'; readonly preview: string; readonly chars: number };

type Trace<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;

/**
 * The engine's trace events as the panel receives them: the same fields, with payloads capped
 * and the run's end without its copies of the logs and calls (the panel has them already).
 */
export type PanelEvent =
  | (Trace<'run-started'> & {
      /** The script's file, when it was run from one: the panel links to it. */
      readonly fileUri?: string;
    })
  | Trace<'log'>
  | (Omit<Trace<'call-started'>, 'args'> & { readonly args: Payload })
  | (Omit<Trace<'call-finished'>, 'result'> & { readonly result?: Payload })
  | (Omit<Trace<'run-finished'>, 'result'> & {
      readonly ok: boolean;
      readonly durationMs: number;
      readonly result?: Payload;
      readonly error: RunError | null;
    })
  /** `apiNote` says what the model read, as a phrase that follows "Code mode: ". */
  | { readonly type: 'tokens'; readonly runId: string; readonly account: TokenAccount; readonly apiNote: string }
  /** The run's tokens were not counted, and will not be; `reason` says why. */
  | { readonly type: 'tokens-unavailable'; readonly runId: string; readonly reason: string };

export type ExtensionToPanel =
  /** Events in the order they happened; after a `ready`, `replace` says they are the whole history. */
  | { readonly type: 'events'; readonly events: readonly PanelEvent[]; readonly replace?: boolean }
  /** Runs that can still be stopped (the rest have ended, or were run before a window reload). */
  | { readonly type: 'running'; readonly runIds: readonly string[] }
  | { readonly type: 'select'; readonly runId: string };

export type PanelToExtension =
  | { readonly type: 'ready' }
  | { readonly type: 'clear' }
  | { readonly type: 'stop'; readonly runId: string }
  | { readonly type: 'rerun'; readonly runId: string }
  /** Opens the run's script; with a line, reveals that place (an error's position). */
  | { readonly type: 'open-script'; readonly runId: string; readonly line?: number; readonly column?: number }
  | { readonly type: 'copy'; readonly text: string }
  /** The page holds this many events (those applied since the last replay): the extension's tests read it. */
  | { readonly type: 'applied'; readonly events: number; readonly runs: number };
