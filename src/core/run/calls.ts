// The host side of a run's tool calls: send each to the provider under its own timeout, record
// it for the trace, and cancel whatever is still in flight when the run stops. Cancelling is a
// direct method call rather than an event listener per call, since a script may make thousands.

import type { ToolProvider } from '../provider';
import { LIMIT_DESCRIPTIONS, type Limits } from '../sandbox/limits';
import type { CallRecord, TraceEvent } from './trace';

/** Why a call stopped before its tool answered. */
export type CancelReason = 'timeout' | 'wall' | 'cancelled' | 'run-ended';

type CallAnswer = { ok: true; json: string | undefined } | { ok: false; message: string };

interface LiveCall {
  readonly callId: number;
  readonly record: { server: string; tool: string; args: unknown; ok: boolean; durationMs: number; error?: string };
  readonly started: number;
  readonly controller: AbortController;
  done: boolean;
  /** Ended by the run (its end, its wall clock, its cancellation) rather than by the tool. */
  cancelled: boolean;
  interrupt?: (reason: CancelReason) => void;
}

const MAX_LISTED_CALLS = 10;

export class CallLedger {
  private readonly calls: LiveCall[] = [];

  constructor(
    private readonly runId: string,
    private readonly provider: ToolProvider,
    private readonly limits: Limits,
    private readonly emit: (event: TraceEvent) => void,
  ) {}

  /** Performs one call for the sandbox; never rejects. */
  async call(server: string, tool: string, argsJson: string): Promise<CallAnswer> {
    let args: unknown;
    try {
      args = JSON.parse(argsJson);
    } catch {
      return { ok: false, message: 'the arguments did not arrive as JSON' };
    }
    const callId = this.calls.length + 1;
    const call: LiveCall = {
      callId,
      record: { server, tool, args, ok: false, durationMs: 0 },
      started: performance.now(),
      controller: new AbortController(),
      done: false,
      cancelled: false,
    };
    this.calls.push(call);
    this.emit({ type: 'call-started', runId: this.runId, callId, at: Date.now(), server, tool, args });

    // Settles the moment the call is cancelled, even when the tool ignores its signal.
    const interrupted = new Promise<never>((_, reject) => {
      call.interrupt = (reason) => reject(new Error(this.cancelMessage(reason)));
    });
    const timeoutMs = this.limits.callTimeoutMs;
    const timer = this.provider.ownsCallTimeouts ? undefined : setTimeout(() => this.cancel(call, 'timeout'), timeoutMs);
    try {
      const value = await Promise.race([this.provider.callTool(server, tool, args, { signal: call.controller.signal, timeoutMs }), interrupted]);
      const json = value === undefined ? undefined : JSON.stringify(value);
      this.settle(call, { ok: true, value });
      return { ok: true, json };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.settle(call, { ok: false, message });
      return { ok: false, message };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cancels every call still in flight. */
  cancelAll(reason: CancelReason): void {
    for (const call of this.calls) this.cancel(call, reason);
  }

  records(): CallRecord[] {
    return this.calls.map((call) => call.record);
  }

  /** Says which calls had finished (and which were still running) when a run failed. */
  describeAtFailure(): string {
    const finished = this.calls.filter((call) => call.done && !call.cancelled);
    const running = this.calls.filter((call) => !call.done || call.cancelled);
    const list = (items: readonly LiveCall[], withOutcome: boolean): string => {
      const shown = items.slice(0, MAX_LISTED_CALLS).map(({ record }) => {
        const name = `${record.server}.${record.tool}`;
        return withOutcome ? `${name} (${record.ok ? 'ok' : 'failed'})` : name;
      });
      if (items.length > MAX_LISTED_CALLS) shown.push(`and ${items.length - MAX_LISTED_CALLS} more`);
      return shown.join(', ');
    };
    let text = finished.length === 0 ? 'No tool call had completed.' : `Tool calls completed before the failure: ${list(finished, true)}.`;
    if (running.length > 0) text += ` Still running, then cancelled: ${list(running, false)}.`;
    return text;
  }

  private cancel(call: LiveCall, reason: CancelReason): void {
    if (call.done || call.controller.signal.aborted) return;
    call.cancelled = reason !== 'timeout';
    call.controller.abort(reason);
    // Recorded now, so a run that ends this instant reports the call as cancelled.
    this.settle(call, { ok: false, message: this.cancelMessage(reason) });
    call.interrupt?.(reason);
  }

  private cancelMessage(reason: CancelReason): string {
    switch (reason) {
      case 'timeout':
        return `the call exceeded ${LIMIT_DESCRIPTIONS.callTimeoutMs(this.limits.callTimeoutMs)}`;
      case 'wall':
        return 'Cancelled: the run hit its wall-clock limit before the call finished';
      case 'cancelled':
        return 'Cancelled: the run was cancelled before the call finished';
      case 'run-ended':
        return 'Cancelled: the run ended before the call finished';
    }
  }

  private settle(call: LiveCall, outcome: { ok: true; value: unknown } | { ok: false; message: string }): void {
    if (call.done) return;
    call.done = true;
    call.record.ok = outcome.ok;
    call.record.durationMs = performance.now() - call.started;
    if (!outcome.ok) call.record.error = outcome.message;
    this.emit({
      type: 'call-finished',
      runId: this.runId,
      callId: call.callId,
      at: Date.now(),
      ok: outcome.ok,
      durationMs: call.record.durationMs,
      ...(outcome.ok ? { result: outcome.value } : { error: outcome.message }),
    });
  }
}
