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
  readonly inputs: readonly InputDefinition[];
  readonly issues: readonly ConfigIssue[];
}

/** `file:line:column: message` — the form editors and terminals make clickable. */
export function formatIssue(issue: ConfigIssue): string {
  const { file, line, column, path } = issue.location;
  const where = line !== undefined ? `${file}:${line}:${column ?? 1}` : file;
  return `${where}: ${issue.severity}: ${path ? `${path}: ` : ''}${issue.message}`;
}
