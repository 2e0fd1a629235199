// The run panel's history, kept on the extension side so the panel can be hidden, closed or
// reloaded without losing runs. Engine trace events become panel events here, with every payload
// capped, so fifty runs of a thousand calls each stay a bounded amount of memory and disk.
// No `vscode` import: the unit tests drive it directly.

import type { TraceEvent } from '../core/run/trace';
import type { PanelEvent, Payload } from '../../webview/protocol';

/** Characters of JSON kept for one argument, result or return value. */
export const PAYLOAD_CHARS = 16 * 1024;
/** Characters kept of one log line, one error message or stack, and one script. */
export const LOG_LINE_CHARS = 8 * 1024;
export const ERROR_CHARS = 16 * 1024;
export const SCRIPT_CHARS = 256 * 1024;
export const MAX_RUNS = 50;
/** A rough cap on the buffered history's size, in characters of payload. */
export const MAX_HISTORY_CHARS = 64 * 1024 * 1024;

export function toPayload(value: unknown, limit = PAYLOAD_CHARS): Payload {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // JSON cannot hold it (a cycle, a BigInt); String() gives what little can be shown.
    text = undefined;
  }
  if (text === undefined) return { kind: 'json', value: value === undefined ? undefined : String(value) };
  if (text.length <= limit) return { kind: 'json', value };
  return { kind: 'truncated', preview: text.slice(0, limit), chars: text.length };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

/** The panel's form of an engine event: the same facts, with payloads capped. */
export function toPanelEvent(event: TraceEvent, fileUri?: string): PanelEvent {
  switch (event.type) {
    case 'run-started':
      return { type: 'run-started', runId: event.runId, at: event.at, source: event.source, code: truncate(event.code, SCRIPT_CHARS), fileName: event.fileName, fileUri, limits: event.limits };
    case 'log':
      return { ...event, text: truncate(event.text, LOG_LINE_CHARS) };
    case 'call-started':
      return { ...event, args: toPayload(event.args) };
    case 'call-finished': {
      const { result, error, ...rest } = event;
      if (event.ok) return 'result' in event ? { ...rest, result: toPayload(result) } : rest;
      return { ...rest, ...(error !== undefined ? { error: truncate(error, ERROR_CHARS) } : {}) };
    }
    case 'run-finished': {
      const { result } = event;
      return {
        type: 'run-finished',
        runId: event.runId,
        at: event.at,
        ok: result.ok,
        durationMs: result.durationMs,
        ...(result.ok ? { result: toPayload(result.result) } : {}),
        error: result.error && {
          ...result.error,
          message: truncate(result.error.message, ERROR_CHARS),
          ...(result.error.stack !== undefined ? { stack: truncate(result.error.stack, ERROR_CHARS) } : {}),
        },
      };
    }
  }
}

function sizeOf(event: PanelEvent): number {
  switch (event.type) {
    case 'run-started':
      return event.code.length + 200;
    case 'log':
      return event.text.length + 60;
    case 'call-started':
      return payloadSize(event.args) + 120;
    case 'call-finished':
      return (event.result ? payloadSize(event.result) : 0) + (event.error?.length ?? 0) + 120;
    case 'run-finished':
      return (event.result ? payloadSize(event.result) : 0) + (event.error?.message.length ?? 0) + 200;
    case 'tokens':
      return 1000;
    case 'tokens-unavailable':
      return event.reason.length + 60;
  }
}

function payloadSize(payload: Payload): number {
  return payload.kind === 'truncated' ? payload.preview.length : Math.min(PAYLOAD_CHARS, JSON.stringify(payload.value)?.length ?? 0);
}

/** One run in a line: what the extension's API reports. */
export interface RunSummary {
  readonly runId: string;
  readonly source: string;
  /** The script's file name, or where the run came from. */
  readonly title: string;
  readonly status: 'running' | 'ok' | 'failed';
  readonly calls: number;
  readonly tokens?: { readonly codeMode: number; readonly direct: number };
}

interface RunEntry {
  readonly runId: string;
  readonly events: PanelEvent[];
  chars: number;
  finished: boolean;
}

/** The newest runs' panel events, oldest run first; whole runs are dropped from the front. */
export class RunHistory {
  private readonly runs: RunEntry[] = [];
  private readonly byId = new Map<string, RunEntry>();
  private chars = 0;

  constructor(
    private readonly maxRuns = MAX_RUNS,
    private readonly maxChars = MAX_HISTORY_CHARS,
  ) {}

  /** Adds an event; returns false for an event of a run the history no longer holds. */
  add(event: PanelEvent): boolean {
    let entry = this.byId.get(event.runId);
    if (event.type === 'run-started' && !entry) {
      entry = { runId: event.runId, events: [], chars: 0, finished: false };
      this.runs.push(entry);
      this.byId.set(entry.runId, entry);
    }
    if (!entry) return false;
    const size = sizeOf(event);
    if (event.type === 'run-finished') entry.finished = true;
    entry.events.push(event);
    entry.chars += size;
    this.chars += size;
    this.trim();
    return true;
  }

  /** How many events are buffered, without collecting them. */
  get eventCount(): number {
    return this.runs.reduce((sum, entry) => sum + entry.events.length, 0);
  }

  /** Every buffered event, in the order they happened within each run, oldest run first. */
  events(): PanelEvent[] {
    return this.runs.flatMap((entry) => entry.events);
  }

  /** The events of the newest runs that fit the budget (what is saved across reloads); a run too large is left out, not the runs before it. */
  newestWithin(maxChars: number): PanelEvent[] {
    const kept: RunEntry[] = [];
    let total = 0;
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const entry = this.runs[i]!;
      if (total + entry.chars > maxChars) continue;
      total += entry.chars;
      kept.unshift(entry);
    }
    return kept.flatMap((entry) => entry.events);
  }

  /**
   * After a window reload: ends the runs the last window left running, and says why runs whose
   * tokens were still being counted have no count.
   */
  settleRestored(at: number): void {
    for (const entry of [...this.runs]) {
      const first = entry.events[0];
      if (first?.type !== 'run-started') continue;
      if (!entry.finished) {
        this.add({ type: 'run-finished', runId: entry.runId, at, ok: false, durationMs: Math.max(0, at - first.at), error: { name: 'CancelledError', message: 'The window closed before the run ended' } });
      }
      if (!entry.events.some((event) => event.type === 'tokens' || event.type === 'tokens-unavailable')) {
        this.add({ type: 'tokens-unavailable', runId: entry.runId, reason: 'the window closed before they were counted' });
      }
    }
  }

  summaries(): RunSummary[] {
    return this.runs.map(({ runId, events }) => {
      let source = '';
      let title = '';
      let status: RunSummary['status'] = 'running';
      let calls = 0;
      let tokens: RunSummary['tokens'];
      for (const event of events) {
        if (event.type === 'run-started') {
          source = event.source;
          title = event.fileName ?? event.source;
        }
        else if (event.type === 'call-started') calls++;
        else if (event.type === 'run-finished') status = event.ok ? 'ok' : 'failed';
        else if (event.type === 'tokens') tokens = { codeMode: event.account.codeMode.total, direct: event.account.direct.total };
      }
      return { runId, source, title, status, calls, ...(tokens ? { tokens } : {}) };
    });
  }

  started(runId: string): Extract<PanelEvent, { type: 'run-started' }> | undefined {
    const first = this.byId.get(runId)?.events[0];
    return first?.type === 'run-started' ? first : undefined;
  }

  /** Forgets every finished run; runs still going stay, so their end is still recorded. */
  clear(): void {
    for (const entry of this.runs.filter((candidate) => candidate.finished)) this.drop(entry);
  }

  /** Drops the oldest finished runs while over a budget; running runs and the newest run stay, however large. */
  private trim(): void {
    while (this.runs.length > 1 && (this.runs.length > this.maxRuns || this.chars > this.maxChars)) {
      const oldest = this.runs.slice(0, -1).find((entry) => entry.finished);
      if (!oldest) return;
      this.drop(oldest);
    }
  }

  private drop(entry: RunEntry): void {
    this.runs.splice(this.runs.indexOf(entry), 1);
    this.byId.delete(entry.runId);
    this.chars -= entry.chars;
  }
}
