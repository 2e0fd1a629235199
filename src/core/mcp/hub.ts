// All configured MCP servers behind the engine's ToolProvider interface. Servers start lazily and
// in parallel: a run starts the servers its script mentions (by namespace name), a listing starts
// all of them. One server failing to start never stops the others.

import { assignIdentifiers } from '../naming';
import type { CallOptions, ListToolsRequest, ToolCatalog, ToolInfo, ToolProvider, UnavailableServer } from '../provider';
import { ToolCallError } from '../provider';
import type { ServerDefinition } from '../config/types';
import { ServerConnection, type ConnectionOptions, type ServerState } from './connection';

export interface ServerStatus {
  readonly name: string;
  readonly namespace: string;
  readonly type: ServerDefinition['type'];
  readonly state: ServerState;
  readonly tools: readonly ToolInfo[];
}

export class McpHub implements ToolProvider {
  readonly ownsCallTimeouts = true;
  private readonly connections = new Map<string, ServerConnection>();
  private readonly namespaces: ReadonlyMap<string, string>;

  constructor(servers: readonly ServerDefinition[], options: ConnectionOptions) {
    for (const server of servers) this.connections.set(server.name, new ServerConnection(server, options));
    this.namespaces = assignIdentifiers(
      servers.map((server) => server.name),
      'namespace',
    );
  }

  get serverNames(): readonly string[] {
    return [...this.connections.keys()];
  }

  connection(name: string): ServerConnection | undefined {
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
    const connections = names.map((name) => this.connections.get(name)).filter((connection): connection is ServerConnection => connection !== undefined);
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
      type: connection.definition.type,
      state: connection.state,
      tools: connection.tools,
    }));
  }

  /** Stops every server; stdio children are ended. */
  async dispose(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.dispose()));
  }
}
