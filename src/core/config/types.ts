// Server definitions as users write them in `.vscode/mcp.json` (or `codemode.servers` in
// settings.json), after validation but before variables are resolved.

/** Where a definition came from, for messages that point at it. */
export interface SourceLocation {
  readonly file: string;
  /** JSON path inside the file, such as `servers.github.url`. */
  readonly path: string;
  /** 1-based; absent for values that did not come from a file. */
  readonly line?: number;
  readonly column?: number;
}

export interface StdioServerDefinition {
  readonly type: 'stdio';
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** `null` removes a variable from the inherited environment. */
  readonly env: Readonly<Record<string, string | null>>;
  readonly envFile?: string;
  readonly cwd?: string;
  readonly source: SourceLocation;
}

export interface RemoteServerDefinition {
  readonly type: 'http' | 'sse';
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly source: SourceLocation;
}

export type ServerDefinition = StdioServerDefinition | RemoteServerDefinition;

/** An HTTP API described by an OpenAPI document (`"openapi"` beside `"servers"`). */
export interface OpenApiDefinition {
  readonly type: 'openapi';
  readonly name: string;
  /** A file path (relative to the workspace folder) or an http(s) URL. */
  readonly spec: string;
  /** Overrides the document's `servers[0].url`. */
  readonly baseUrl?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Hosts (`host` or `host:port`) that may be called besides those of the document's servers and baseUrl. */
  readonly allowHosts: readonly string[];
  /** Only these operationIds become tools, when given. */
  readonly operations?: readonly string[];
  readonly timeoutMs?: number;
  readonly source: SourceLocation;
}

/** How a command tool's standard output becomes its result. */
export type CommandOutput = 'text' | 'json' | 'lines';

export interface CommandToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly command: string;
  /** Arguments; `{param}` in one is replaced by that parameter's value. */
  readonly args: readonly string[];
  /** Parameter name → JSON Schema (type, description, enum, default …). */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly required: readonly string[];
  readonly output: CommandOutput;
  readonly timeoutMs?: number;
}

/** Command-line tools (`"commands"` beside `"servers"`): one namespace of tools that run programs. */
export interface CommandSourceDefinition {
  readonly type: 'command';
  readonly name: string;
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string | null>>;
  readonly tools: readonly CommandToolDefinition[];
  readonly source: SourceLocation;
}

/** A tool source configured beside the MCP servers; its name shares their namespace space. */
export type SourceDefinition = OpenApiDefinition | CommandSourceDefinition;

/** A `${input:id}` prompt (VS Code's `inputs` entries). */
export interface InputDefinition {
  readonly id: string;
  readonly type: 'promptString' | 'pickString';
  readonly description: string;
  readonly password: boolean;
  readonly default?: string;
  readonly options?: readonly string[];
}

export interface ConfigIssue {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly location: SourceLocation;
  /** The server the issue belongs to, when it belongs to one. */
  readonly server?: string;
}

export interface LoadedConfig {
  readonly servers: readonly ServerDefinition[];
  /** OpenAPI and command sources, in the order configured. */
  readonly sources: readonly SourceDefinition[];
  readonly inputs: readonly InputDefinition[];
  readonly issues: readonly ConfigIssue[];
}

/** `file:line:column: message` — the form editors and terminals make clickable. */
export function formatIssue(issue: ConfigIssue): string {
  const { file, line, column, path } = issue.location;
  const where = line !== undefined ? `${file}:${line}:${column ?? 1}` : file;
  return `${where}: ${issue.severity}: ${path ? `${path}: ` : ''}${issue.message}`;
}
