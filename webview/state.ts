// The panel's model: panel events folded into one view per run. Pure (no DOM), so the unit tests
// drive it directly; the views read it and never change it.

import type { LogLevel, PanelEvent, Payload, RunError, TokenAccount } from './protocol';

type Started = Extract<PanelEvent, { type: 'run-started' }>;

export interface CallView {
  readonly callId: number;
  readonly server: string;
  readonly tool: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly args: Payload;
  ok?: boolean;
  durationMs?: number;
  result?: Payload;
  error?: string;
}

export interface LogView {
  readonly at: number;
  readonly level: LogLevel;
  readonly text: string;
}

export interface FinishedView {
  readonly ok: boolean;
  readonly durationMs: number;
  readonly result?: Payload;
  readonly error: RunError | null;
}

export type RunStatus = 'running' | 'ok' | 'failed' | 'cancelled';

export interface RunView {
  readonly started: Started;
  readonly logs: LogView[];
  readonly calls: CallView[];
  finished?: FinishedView;
  tokens?: { readonly account: TokenAccount; readonly apiNote: string };
  tokensUnavailable?: string;
}

export function runStatus(run: RunView): RunStatus {
  if (!run.finished) return 'running';
  if (run.finished.ok) return 'ok';
  return run.finished.error?.name === 'CancelledError' ? 'cancelled' : 'failed';
}

/** Milliseconds from the run's start to the end of its last call or the run itself. */
export function runSpan(run: RunView, now: number): number {
  let end = run.finished ? run.finished.durationMs : now - run.started.at;
  for (const call of run.calls) end = Math.max(end, callOffset(run, call) + callDuration(call, now));
  return Math.max(end, 1);
}

export function callOffset(run: RunView, call: CallView): number {
  return Math.max(0, call.startedAt - run.started.at);
}

/** A finished call's duration, or how long a running one has run so far. */
export function callDuration(call: CallView, now: number): number {
  return call.durationMs ?? Math.max(0, now - call.startedAt);
}

export class PanelState {
  private readonly runs = new Map<string, RunView>();
  /** Run ids, oldest first. */
  private readonly order: string[] = [];

  /** As many runs as the extension keeps (runHistory.ts), so a long session stays small here too. */
  constructor(private readonly maxRuns = 50) {}

  get size(): number {
    return this.order.length;
  }

  /** Newest first, as the list shows them. */
  newestFirst(): RunView[] {
    return this.order.map((id) => this.runs.get(id)!).reverse();
  }

  get(runId: string): RunView | undefined {
    return this.runs.get(runId);
  }

  clear(): void {
    this.runs.clear();
    this.order.length = 0;
  }

  /** Folds one event in and returns the run it changed (none for an event of an unknown run). */
  apply(event: PanelEvent): RunView | undefined {
    if (event.type === 'run-started') {
      if (!this.runs.has(event.runId)) this.order.push(event.runId);
      while (this.order.length > this.maxRuns) this.runs.delete(this.order.shift()!);
      const run: RunView = { started: event, logs: [], calls: [] };
      this.runs.set(event.runId, run);
      return run;
    }
    const run = this.runs.get(event.runId);
    if (!run) return undefined;
    switch (event.type) {
      case 'log':
        run.logs.push({ at: event.at, level: event.level, text: event.text });
        break;
      case 'call-started':
        run.calls.push({ callId: event.callId, server: event.server, tool: event.tool, startedAt: event.at, args: event.args });
        break;
      case 'call-finished': {
        const call = findCall(run.calls, event.callId);
        if (call) Object.assign(call, { ok: event.ok, durationMs: event.durationMs, result: event.result, error: event.error });
        break;
      }
      case 'run-finished':
        run.finished = { ok: event.ok, durationMs: event.durationMs, result: event.result, error: event.error };
        // A call the run ended before it finished is shown as cancelled, not as running forever.
        for (const call of run.calls) {
          if (call.ok === undefined) Object.assign(call, { ok: false, durationMs: Math.max(0, run.started.at + event.durationMs - call.startedAt), error: 'Cancelled: the run ended first' });
        }
        break;
      case 'tokens':
        run.tokens = { account: event.account, apiNote: event.apiNote };
        break;
      case 'tokens-unavailable':
        run.tokensUnavailable = event.reason;
        break;
    }
    return run;
  }
}

/** Calls arrive in id order, so the id is (nearly always) the index plus one. */
function findCall(calls: readonly CallView[], callId: number): CallView | undefined {
  const guess = calls[callId - 1];
  return guess?.callId === callId ? guess : calls.find((call) => call.callId === callId);
}

/** Logs that pass the level and text filters. */
export function filterLogs(logs: readonly LogView[], levels: ReadonlySet<LogLevel>, text: string): LogView[] {
  const needle = text.trim().toLowerCase();
  return logs.filter((log) => levels.has(log.level) && (needle === '' || log.text.toLowerCase().includes(needle)));
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
