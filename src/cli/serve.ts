// `codemode serve`: Code Mode as an MCP server, so any MCP client gets the two tools with one entry
// in its configuration. stdio by default (standard output is the protocol, so every diagnostic goes
// to stderr); Streamable HTTP with --port, on loopback unless --host says otherwise.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { DEFAULT_MODEL_OUTPUT_CHARS } from '../core/modelTools';
import { CodeModeService } from './mcpServer';
import { parseLimits, RUN_OPTIONS } from './run';
import { UsageError } from './usage';
import { openWorkspace } from './workspace';

export const SERVE_OPTIONS = {
  ...RUN_OPTIONS,
  'max-output-chars': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'session-idle-s': { type: 'string' },
} as const;

const DEFAULT_HOST = '127.0.0.1';
const ENDPOINT = '/mcp';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** Addresses that listen on every interface: no Host value can be told to be foreign. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
/**
 * How long an HTTP session may go without a request before it is closed: a client that vanishes
 * without its DELETE would otherwise keep its session (and the runs' state) for the life of serve.
 */
const DEFAULT_SESSION_IDLE_S = 30 * 60;

function positiveInteger(flag: string, raw: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim()) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be a whole number ${range}, got "${String(raw)}"`);
  }
  return value;
}

/**
 * The Host (and Origin) names a request may carry, or undefined for any. A browser page can reach
 * a loopback port; DNS rebinding lets it do so under its own name, which it cannot make a loopback
 * name, so refusing other names keeps web pages out. An explicit --host is trusted as well, and
 * a wildcard one is the user's choice to take requests under any name.
 */
function allowedHostnames(host: string | undefined): ReadonlySet<string> | undefined {
  if (host === undefined) return new Set(LOOPBACK_NAMES);
  if (WILDCARD_HOSTS.has(host)) return undefined;
  return new Set([...LOOPBACK_NAMES, (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host).toLowerCase()]);
}

function hostnameOf(value: string, withScheme: boolean): string | undefined {
  try {
    return new URL(withScheme ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/** Why a request is refused, or undefined when its Host and Origin are acceptable. */
function refusal(request: IncomingMessage, allowed: ReadonlySet<string> | undefined): string | undefined {
  if (!allowed) return undefined;
  const host = request.headers.host;
  if (!host) return 'Missing Host header';
  const hostname = hostnameOf(host, false);
  if (hostname === undefined || !allowed.has(hostname)) return `Host "${host}" is not allowed (DNS rebinding protection); start with --host to accept it`;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const originHost = hostnameOf(origin, true);
    if (originHost === undefined || !allowed.has(originHost)) return `Origin "${origin}" is not allowed`;
  }
  return undefined;
}

function jsonRpcError(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** Resolves when the server should stop: a signal, or (for stdio) the end of standard input. */
function stopRequested(stdio: boolean, log: (text: string) => void): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (!stopping) resolve(why);
      stopping = true;
    };
    const signalled = (signal: NodeJS.Signals): void => {
      if (!stopping) return stop(signal);
      // A second Ctrl+C means "now", while the first is still ending the servers.
      log(`${signal} again: exiting at once`);
      process.exit(130);
    };
    process.on('SIGINT', signalled);
    process.on('SIGTERM', signalled);
    // The client closing our standard input is how a stdio MCP session ends; a client that
    // vanished may show first as a write to standard output failing.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => stop(`standard output failed: ${error.code ?? error.message}`));
    if (stdio) process.stdin.once('end', () => stop('end of standard input')).once('close', () => stop('standard input closed'));
  });
}

export async function serveCommand(positionals: readonly string[], values: Record<string, unknown>): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments besides options, got "${positionals.join(' ')}"`);
  const limits = parseLimits(values);
  const maxOutputChars = positiveInteger('max-output-chars', values['max-output-chars'], 1000) ?? DEFAULT_MODEL_OUTPUT_CHARS;
  const port = positiveInteger('port', values.port, 0, 65_535);
  const host = values.host as string | undefined;
  if (host !== undefined && port === undefined) throw new UsageError('--host needs --port: without --port, serve speaks MCP over stdio');
  const sessionIdleS = positiveInteger('session-idle-s', values['session-idle-s'], 1);
  if (sessionIdleS !== undefined && port === undefined) throw new UsageError('--session-idle-s needs --port: only Streamable HTTP has sessions');
  const verbose = values.verbose === true;
  const log = (text: string): void => void process.stderr.write(`codemode serve: ${text}\n`);
  const workspace = await openWorkspace(values.config as string | undefined, { required: true, verbose, interactive: false });
  const hub = workspace.hub;
  const namespaces = new Map(hub.serverNames.map((server) => [server, hub.namespaceOf(server) ?? server]));
  const service = new CodeModeService({
    provider: hub,
    namespaces,
    limits,
    maxOutputChars,
    version: process.env.CODEMODE_VERSION ?? 'dev',
    log: verbose ? log : () => undefined,
  });
  const servers = `${namespaces.size} server${namespaces.size === 1 ? '' : 's'}${namespaces.size > 0 ? ` (${[...namespaces.keys()].join(', ')})` : ''}`;

  const stopped = stopRequested(port === undefined, log);
  const endpoints = new Set<Server>();
  let closeListener = (): Promise<void> => Promise.resolve();
  try {
    if (port === undefined) {
      const server = service.createServer();
      endpoints.add(server);
      await server.connect(new StdioServerTransport());
      log(`serving ${servers} over stdio`);
    } else {
      closeListener = await listen(service, endpoints, { port, host, log, verbose, servers, sessionIdleMs: (sessionIdleS ?? DEFAULT_SESSION_IDLE_S) * 1000 });
    }
    log(`stopping: ${await stopped}`);
  } finally {
    // Runs first, so their cancelled answers still reach the clients; then the connections.
    await service.close();
    // The SDK sends a handler's answer a few promise steps after the handler returns.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.allSettled([...endpoints].map((server) => server.close()));
    await closeListener();
    await hub.dispose();
  }
  return 0;
}

interface ListenOptions {
  readonly port: number;
  readonly host: string | undefined;
  readonly log: (text: string) => void;
  readonly verbose: boolean;
  /** The configured servers, in words, for the line that says where serve listens. */
  readonly servers: string;
  readonly sessionIdleMs: number;
}

/** A live HTTP session: its transport, and what tells whether its client is still there. */
interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
  lastRequest: number;
  /** Requests whose answer is still open (an SSE stream counts for as long as it lasts). */
  open: number;
}

/**
 * Streamable HTTP at /mcp, one SDK server per session (kept in `endpoints` while it lives);
 * resolves once listening, with a function that stops listening and drops every connection.
 */
async function listen(service: CodeModeService, endpoints: Set<Server>, { port, host, log, verbose, servers, sessionIdleMs }: ListenOptions): Promise<() => Promise<void>> {
  const allowed = allowedHostnames(host);
  const sessions = new Map<string, Session>();
  const sweep = setInterval(
    () => {
      for (const [id, session] of sessions) {
        if (session.open > 0 || Date.now() - session.lastRequest < sessionIdleMs) continue;
        log(`session ${id} closed after ${Math.round(sessionIdleMs / 1000)} s without a request`);
        void session.server.close();
      }
    },
    Math.min(sessionIdleMs, 60_000),
  );
  // The sweep alone must not keep serve running.
  sweep.unref();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const refused = refusal(request, allowed);
    if (refused) {
      log(`refused a request: ${refused}`);
      return jsonRpcError(response, 403, refused);
    }
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== ENDPOINT) return jsonRpcError(response, 404, `Not found: the MCP endpoint is ${ENDPOINT}`);
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return jsonRpcError(response, 404, 'Session not found: it ended or this server restarted; initialize a new one');
      session.lastRequest = Date.now();
      session.open++;
      response.once('close', () => {
        session.open--;
        session.lastRequest = Date.now();
      });
      return session.transport.handleRequest(request, response);
    }
    if (request.method !== 'POST') return jsonRpcError(response, 400, 'No session: start one with an initialize request (POST)');
    const server = service.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastRequest: Date.now(), open: 0 });
        if (verbose) log(`session ${id} started`);
      },
    });
    endpoints.add(server);
    server.onclose = () => {
      endpoints.delete(server);
      if (transport.sessionId === undefined || !sessions.delete(transport.sessionId)) return;
      if (verbose) log(`session ${transport.sessionId} ended`);
    };
    await server.connect(transport);
    await transport.handleRequest(request, response);
    // A first request that was not a valid initialize leaves no session to keep.
    if (transport.sessionId === undefined) await server.close();
  };

  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) jsonRpcError(response, 500, 'Internal error');
      else response.end();
    });
  });
  const address = host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, address, () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot listen on ${address}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`);
  });
  const bound = http.address();
  const actualPort = typeof bound === 'object' && bound ? bound.port : port;
  const shown = address.includes(':') ? `[${address}]` : address;
  log(`serving ${servers} at http://${shown}:${actualPort}${ENDPOINT}${allowed ? '' : ' (any Host accepted)'}`);
  return () =>
    new Promise<void>((resolve) => {
      clearInterval(sweep);
      http.close(() => resolve());
      // Open SSE streams would otherwise hold the listener open.
      http.closeAllConnections();
    });
}
