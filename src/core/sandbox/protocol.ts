// Messages between the host thread and a sandbox worker. Values that come from or go to the
// guest cross as JSON text, so nothing but data ever passes the boundary.

import type { Limits } from './limits';

export type LogLevel = 'log' | 'info' | 'warn' | 'error';

/** The namespaces a script sees: the function names in each and the tool each one calls, and the
 * namespaces of servers that could not start, with the reason. */
export interface Bindings {
  readonly tools: { readonly [namespace: string]: { readonly [fn: string]: readonly [server: string, tool: string] } };
  readonly unavailable: { readonly [namespace: string]: readonly [server: string, reason: string] };
}

/** An error as it leaves the sandbox: plain data, with the guest's stack text when there is one. */
export interface GuestError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** Set when a limit ended the run rather than the script's own logic. */
  readonly limit?: keyof Limits;
}

export type HostToWorker =
  | { readonly type: 'run'; readonly runId: number; readonly code: string; readonly fileName: string; readonly bindings: Bindings; readonly limits: Limits }
  | { readonly type: 'call-result'; readonly runId: number; readonly callId: number; readonly ok: true; readonly json: string | undefined }
  | { readonly type: 'call-result'; readonly runId: number; readonly callId: number; readonly ok: false; readonly message: string }
  | { readonly type: 'cancel'; readonly runId: number; readonly reason: 'wall' | 'cancelled' };

export type WorkerToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'log'; readonly runId: number; readonly level: LogLevel; readonly text: string }
  | { readonly type: 'call'; readonly runId: number; readonly callId: number; readonly server: string; readonly tool: string; readonly argsJson: string }
  | { readonly type: 'done'; readonly runId: number; readonly reusable?: boolean; readonly ok: true; readonly resultJson: string | undefined }
  | { readonly type: 'done'; readonly runId: number; readonly reusable?: boolean; readonly ok: false; readonly error: GuestError };

/**
 * Shared memory a worker writes while guest code runs, so the host can tell a guest that is
 * spinning past its limit (and must be terminated) from one that is idle awaiting tools.
 * Slot 0: epoch ms when the current guest slice began, or 0 when no guest code is running.
 * Slot 1: guest ms used by the current run before that slice.
 */
export const CLOCK_SLOTS = 2;
