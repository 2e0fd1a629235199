// The seam between the script engine and wherever tools come from (MCP servers, fixtures in
// tests, later HTTP APIs). The engine only needs a list of tools and a way to call one.

/** JSON Schema as it arrives from a server: an open object, validated only where it is used. */
export type JsonSchema = { readonly [key: string]: unknown };

/** Hints a server gives about a tool's behaviour (MCP `ToolAnnotations`). */
export interface ToolAnnotations {
  readonly title?: string;
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

/** One callable tool, as a provider describes it. */
export interface ToolInfo {
  /** The server (or other source) key, as configured: `my-server`. */
  readonly server: string;
  /** The tool's name as the server spells it: `read_text_file`. */
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema?: JsonSchema;
  readonly outputSchema?: JsonSchema;
  readonly annotations?: ToolAnnotations;
}

/**
 * An error a tool reported (an MCP result with `isError`, a failed request). Its message is the
 * tool's own text; the engine adds the server and tool names when it reaches the script.
 */
export class ToolCallError extends Error {
  override name = 'ToolCallError';
}

/** A server whose tools could not be listed; its namespace still exists and explains why. */
export interface UnavailableServer {
  readonly server: string;
  readonly reason: string;
}

export interface ToolCatalog {
  readonly tools: readonly ToolInfo[];
  readonly unavailable: readonly UnavailableServer[];
  /** Server → namespace, when the provider assigns them (see naming.ts); otherwise derived from the servers listed. */
  readonly namespaces?: ReadonlyMap<string, string>;
}

export interface ListToolsRequest {
  /** The script about to run, so a provider can start only the servers it mentions. */
  readonly script?: string;
}

export interface CallOptions {
  /** Aborts when the call is cancelled: the run ended, was cancelled, or hit its wall clock. */
  readonly signal: AbortSignal;
  /** The per-call timeout, for providers that time calls themselves (see `ownsCallTimeouts`). */
  readonly timeoutMs: number;
}

export interface ToolProvider {
  /** The tools a script may call. */
  listTools(signal: AbortSignal, request?: ListToolsRequest): Promise<ToolCatalog>;
  /**
   * Calls one tool. Resolves with a JSON-compatible value; rejects (preferably with a
   * {@link ToolCallError}) when the tool fails. Must stop work when `options.signal` aborts.
   */
  callTool(server: string, tool: string, args: unknown, options: CallOptions): Promise<unknown>;
  /**
   * True when the provider enforces `timeoutMs` itself, from the moment a request is really sent
   * (after a server restart, say); otherwise the engine times each call from when it was made.
   */
  readonly ownsCallTimeouts?: boolean;
}

/** A provider with no tools: what a run gets when nothing is configured. */
export const noTools: ToolProvider = {
  listTools: async () => ({ tools: [], unavailable: [] }),
  callTool: async (server, tool) => {
    throw new ToolCallError(`No tool ${server}.${tool} is available`);
  },
};
