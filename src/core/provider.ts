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

export interface ToolProvider {
  /** The tools a script may call. */
  listTools(signal: AbortSignal): Promise<readonly ToolInfo[]>;
  /**
   * Calls one tool. Resolves with a JSON-compatible value; rejects (preferably with a
   * {@link ToolCallError}) when the tool fails. Must stop work when `signal` aborts.
   */
  callTool(server: string, tool: string, args: unknown, signal: AbortSignal): Promise<unknown>;
}

/** A provider with no tools: what a run gets when nothing is configured. */
export const noTools: ToolProvider = {
  listTools: async () => [],
  callTool: async (server, tool) => {
    throw new ToolCallError(`No tool ${server}.${tool} is available`);
  },
};
