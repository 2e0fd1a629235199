// One namespace's worth of tools, wherever they come from: an MCP server, an HTTP API described
// by OpenAPI, command-line tools, VS Code's own language-model tools. The hub (mcp/hub.ts) holds
// sources of every kind behind one ToolProvider, so runs, declarations, search, the panel and
// `codemode serve` treat them alike.

import type { SourceLocation } from '../config/types';
import { ToolCallError, type ToolInfo } from '../provider';

/** How a source connects: an MCP transport, or one of the other kinds of tool source. */
export type SourceKind = 'stdio' | 'http' | 'sse' | 'openapi' | 'command' | 'vscode';

export type SourceState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'ready'; readonly transport: SourceKind }
  | { readonly kind: 'failed'; readonly error: string; readonly retryAt: number }
  | { readonly kind: 'stopped' };

export interface ToolSource {
  /** The key it was configured under; its namespace is derived from it (naming.ts). */
  readonly name: string;
  readonly kind: SourceKind;
  /** Where it was configured, for "Open Configuration"; absent for sources nobody configured. */
  readonly origin?: SourceLocation;
  readonly state: SourceState;
  /** The tools as last listed (empty until started). Each names this source as its `server`. */
  readonly tools: readonly ToolInfo[];
  /** Starts the source unless it runs already; rejects (with a ToolCallError) saying why it cannot. */
  ensureStarted(signal: AbortSignal): Promise<void>;
  /** Calls one tool; resolves with a JSON-compatible value, rejects with a ToolCallError. */
  callTool(tool: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown>;
  /** Stops and starts again (after a fix to its configuration or its process). */
  restart(signal?: AbortSignal): Promise<void>;
  /** Stops for good: later calls fail instead of starting it again. */
  dispose(): Promise<void>;
  /** The last lines it wrote to stderr, for sources that run a process; secrets redacted. */
  stderrTail?(): string;
}

/**
 * The start rules every source follows: none after dispose, none while it backs off after a
 * failure, and one start at a time, shared by every caller that asks meanwhile.
 */
export class SharedStart {
  private attempt: Promise<void> | undefined;

  /** Nothing when `state` is ready; else the start in progress, or a new one. Throws when the source may not start now. */
  join(name: string, disposed: boolean, state: SourceState, start: () => Promise<void>): Promise<void> | undefined {
    if (disposed) throw new ToolCallError(`server "${name}" has been shut down`);
    if (state.kind === 'ready') return undefined;
    if (state.kind === 'failed' && Date.now() < state.retryAt) {
      const seconds = Math.ceil((state.retryAt - Date.now()) / 1000);
      throw new ToolCallError(`server "${name}" is unavailable: ${state.error} (next start attempt in ${seconds} s)`);
    }
    if (!this.attempt) {
      const attempt = start().finally(() => {
        if (this.attempt === attempt) this.attempt = undefined;
      });
      this.attempt = attempt;
    }
    return this.attempt;
  }

  /** After a stop, the start in progress belongs to no one: the next caller starts afresh. */
  forget(): void {
    this.attempt = undefined;
  }
}
