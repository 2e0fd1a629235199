// All configured MCP servers, and any other tool sources (sources/source.ts), behind the engine's
// ToolProvider interface. Sources start lazily and in parallel: a run starts the ones its script
// mentions (by namespace name), a listing starts all of them. One failing never stops the others.

import { assignIdentifiers } from '../naming';
import type { CallOptions, ListToolsRequest, ToolCatalog, ToolInfo, ToolProvider, UnavailableServer } from '../provider';
import { ToolCallError } from '../provider';
import type { ServerDefinition } from '../config/types';
import type { SourceKind, SourceState, ToolSource } from '../sources/source';
import { ServerConnection, type ConnectionOptions } from './connection';

export interface ServerStatus {
  readonly name: string;
  readonly namespace: string;
  readonly type: SourceKind;
  readonly state: SourceState;
  readonly tools: readonly ToolInfo[];
}

export class McpHub implements ToolProvider {
  readonly ownsCallTimeouts = true;
  private readonly connections = new Map<string, ToolSource>();
  private readonly namespaces: ReadonlyMap<string, string>;

  /** `sources` are tool sources other than MCP servers; a name already taken by a server is skipped. */
  constructor(servers: readonly ServerDefinition[], options: ConnectionOptions, sources: readonly ToolSource[] = []) {
    for (const server of servers) this.connections.set(server.name, new ServerConnection(server, options));
    for (const source of sources) if (!this.connections.has(source.name)) this.connections.set(source.name, source);
    this.namespaces = assignIdentifiers([...this.connections.keys()], 'namespace');
  }

  get serverNames(): readonly string[] {
    return [...this.connections.keys()];
  }

  connection(name: string): ToolSource | undefined {
    return this.connections.get(name);
  }

  namespaceOf(server: string): string | undefined {
    return this.namespaces.get(server);
  }

  /** Servers a script mentions by namespace; a mention inside a string or comment counts too. */
  serversMentionedIn(script: string): string[] {
    return [...this.connections.keys()].filter((server) => {
      const namespace = this.namespaces.get(server)!;
      return new RegExp(`(?<![\\w$.])${namespace.replace(/\$/g, '\\$')}(?![\\w$])`, 'u').test(script);
    });
  }

  async listTools(signal: AbortSignal, request?: ListToolsRequest): Promise<ToolCatalog> {
    const names = request?.script === undefined ? this.serverNames : this.serversMentionedIn(request.script);
    return this.catalog(names, signal);
  }

  /** Starts the named servers (all by default) in parallel and returns what they offer. */
  async catalog(names: readonly string[] = this.serverNames, signal: AbortSignal = new AbortController().signal): Promise<ToolCatalog> {
    const connections = names.map((name) => this.connections.get(name)).filter((connection): connection is ToolSource => connection !== undefined);
    const started = await Promise.allSettled(connections.map((connection) => connection.ensureStarted(signal)));
    const tools: ToolInfo[] = [];
    const unavailable: UnavailableServer[] = [];
    started.forEach((outcome, index) => {
      const connection = connections[index]!;
      if (outcome.status === 'fulfilled') {
        tools.push(...connection.tools);
        return;
      }
      // The namespace says "Server … is unavailable" itself: a reason saying it again read twice.
      const message = (outcome.reason as Error).message;
      unavailable.push({ server: connection.name, reason: message.replace(`server "${connection.name}" is unavailable: `, '').replace(`server "${connection.name}" `, '') });
    });
    return { tools, unavailable, namespaces: this.namespaces };
  }

  async callTool(server: string, tool: string, args: unknown, options: CallOptions): Promise<unknown> {
    const connection = this.connections.get(server);
    if (!connection) throw new ToolCallError(`no server named "${server}" is configured`);
    return connection.callTool(tool, args, options.signal, options.timeoutMs);
  }

  status(): ServerStatus[] {
    return [...this.connections.values()].map((connection) => ({
      name: connection.name,
      namespace: this.namespaces.get(connection.name)!,
      type: connection.kind,
      state: connection.state,
      tools: connection.tools,
    }));
  }

  /** Stops every server; stdio children are ended. */
  async dispose(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.dispose()));
  }
}
