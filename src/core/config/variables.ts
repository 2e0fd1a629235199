// Resolves `${...}` variables in a server definition at the moment the server starts, so inputs
// are asked for only for servers that are used. The resolved values that can be secret (inputs,
// environment values, headers) are collected so logs can redact them.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EnvFileError, parseEnvFile } from './envFile';
import type { InputDefinition, ServerDefinition, SourceDefinition } from './types';

export interface VariableContext {
  /** The folder `${workspaceFolder}` names; relative paths (cwd, envFile) resolve against it. */
  readonly workspaceFolder?: string;
  /** The environment `${env:NAME}` reads and stdio servers inherit. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Answers `${input:id}`; may prompt. Rejects when no answer can be had. */
  readonly input: (input: InputDefinition, server: string) => Promise<string>;
  readonly inputs: readonly InputDefinition[];
}

export interface ResolvedStdioServer {
  readonly type: 'stdio';
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The complete environment of the child: the inherited one with the configured one on top. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly secrets: readonly string[];
}

export interface ResolvedRemoteServer {
  readonly type: 'http' | 'sse';
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
}

export type ResolvedServer = ResolvedStdioServer | ResolvedRemoteServer;

export class VariableError extends Error {
  override name = 'VariableError';
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Resolves the variables of one server's (or other source's) strings, remembering the values
 * that may be secret. OpenAPI and command sources use it for their own fields.
 */
export class Resolver {
  readonly secrets = new Set<string>();
  private readonly answers = new Map<string, string>();

  constructor(
    private readonly server: Pick<ServerDefinition | SourceDefinition, 'name'>,
    private readonly context: VariableContext,
  ) {}

  /** A header value: secret as a whole, and so is the credential after a scheme ("Bearer abc…"), which a server might echo alone. */
  async header(value: string, where: string): Promise<string> {
    const resolved = await this.text(value, where);
    if (resolved !== '') this.secrets.add(resolved);
    const credential = /^[A-Za-z][\w-]*\s+(\S{4,})$/.exec(resolved)?.[1];
    if (credential) this.secrets.add(credential);
    return resolved;
  }

  /** A configured environment value; secret unless hiding it would only damage (see mayBeSecret). */
  async envValue(value: string, where: string): Promise<string> {
    const resolved = await this.text(value, where);
    if (mayBeSecret(value, resolved)) this.secrets.add(resolved);
    return resolved;
  }

  /** Whatever went wrong, an error's message must not carry what was resolved so far. */
  redactError(error: unknown): unknown {
    if (error instanceof Error) error.message = redact(error.message, this.secrets);
    return error;
  }

  async text(value: string, where: string): Promise<string> {
    let result = '';
    let last = 0;
    for (const match of value.matchAll(VARIABLE)) {
      result += value.slice(last, match.index) + (await this.variable(match[1]!, where));
      last = match.index! + match[0].length;
    }
    return result + value.slice(last);
  }

  private async variable(name: string, where: string): Promise<string> {
    const fail = (why: string): never => {
      throw new VariableError(`server "${this.server.name}": \${${name}} in ${where} ${why}`);
    };
    if (name === 'workspaceFolder') return this.context.workspaceFolder ?? fail('needs a workspace folder, and there is none');
    if (name === 'workspaceFolderBasename') return path.basename(this.context.workspaceFolder ?? fail('needs a workspace folder, and there is none'));
    if (name === 'userHome') return os.homedir();
    if (name === 'pathSeparator' || name === '/') return path.sep;
    if (name.startsWith('env:')) {
      const value = this.context.env[name.slice(4)] ?? '';
      if (mayBeSecret(`\${${name}}`, value)) this.secrets.add(value);
      return value;
    }
    if (name.startsWith('input:')) {
      const id = name.slice(6);
      let answer = this.answers.get(id);
      if (answer === undefined) {
        const input = this.context.inputs.find((candidate) => candidate.id === id) ?? { id, type: 'promptString' as const, description: id, password: true };
        answer = await this.context.input(input, this.server.name);
        this.answers.set(id, answer);
      }
      if (answer !== '') this.secrets.add(answer);
      return answer;
    }
    return fail('is not a variable Code Mode knows (workspaceFolder, userHome, env:NAME, input:ID)');
  }
}

export async function resolveServer(server: ServerDefinition, context: VariableContext): Promise<ResolvedServer> {
  const resolver = new Resolver(server, context);
  try {
    return await resolve(server, context, resolver);
  } catch (error) {
    throw resolver.redactError(error);
  }
}

async function resolve(server: ServerDefinition, context: VariableContext, resolver: Resolver): Promise<ResolvedServer> {
  const base = context.workspaceFolder ?? process.cwd();
  if (server.type !== 'stdio') {
    const url = await resolver.text(server.url, 'url');
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
    } catch {
      throw new VariableError(`server "${server.name}": url resolves to ${JSON.stringify(url)}, which is not an http:// or https:// URL`);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(server.headers)) headers[key] = await resolver.header(value, `headers.${key}`);
    return { type: server.type, name: server.name, url, headers, secrets: [...resolver.secrets] };
  }

  const command = await resolver.text(server.command, 'command');
  const args: string[] = [];
  for (const [index, arg] of server.args.entries()) args.push(await resolver.text(arg, `args[${index}]`));
  const cwd = server.cwd === undefined ? undefined : path.resolve(base, await resolver.text(server.cwd, 'cwd'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(context.env)) if (value !== undefined) env[key] = value;
  if (server.envFile !== undefined) {
    const file = path.resolve(base, await resolver.text(server.envFile, 'envFile'));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new VariableError(`server "${server.name}": cannot read envFile ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    try {
      for (const [key, value] of Object.entries(parseEnvFile(text, file))) {
        env[key] = value;
        if (mayBeSecret(value, value)) resolver.secrets.add(value);
      }
    } catch (error) {
      throw new VariableError(`server "${server.name}": ${error instanceof EnvFileError ? error.message : String(error)}`);
    }
  }
  for (const [key, value] of Object.entries(server.env)) {
    if (value === null) {
      delete env[key];
      continue;
    }
    env[key] = await resolver.envValue(value, `env.${key}`);
  }
  return { type: 'stdio', name: server.name, command, args, env, ...(cwd ? { cwd } : {}), secrets: [...resolver.secrets] };
}

/**
 * Whether a configured environment value should be treated as a secret. Tokens are usually pasted
 * straight into `env`, so any value counts, except those that hiding would only damage: short
 * flags, numbers and booleans, and paths built from the workspace or home folder. Redacting the
 * workspace path would mangle every file path a server returns.
 */
function mayBeSecret(template: string, value: string): boolean {
  if (value.length < 4 || /^(true|false|yes|no|on|off|[-+]?\d+(\.\d+)?)$/i.test(value)) return false;
  const onlyFolders = /\$\{(workspaceFolder|workspaceFolderBasename|userHome|pathSeparator|\/)\}/.test(template) && !/\$\{(env|input):/.test(template);
  return !onlyFolders;
}

/** Replaces every secret in `text` with a marker, longest first so overlaps are covered. */
export function redact(text: string, secrets: Iterable<string>): string {
  return redactor(secrets)(text);
}

/** `redact` with the secrets ordered once, for redacting many strings. */
function redactor(secrets: Iterable<string>): (text: string) => string {
  const ordered = [...secrets].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

/**
 * A copy of a JSON-like value (a tool result, a tool's definition) with every secret redacted in
 * its strings and property names. A server that echoes its token must not hand it to the script,
 * and so to the model. Walks with its own stack: a result may be nested far deeper than recursion allows.
 */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const text = redactor(secrets);
  const copy = (raw: unknown): unknown => (typeof raw === 'string' ? text(raw) : raw !== null && typeof raw === 'object' ? (Array.isArray(raw) ? [] : {}) : raw);
  const root = copy(value);
  const pending: [source: unknown, target: unknown][] = [[value, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [source, target] = next;
    if (source === null || typeof source !== 'object') continue;
    for (const [key, child] of Object.entries(source)) {
      const copied = copy(child);
      (target as Record<string, unknown>)[Array.isArray(source) ? key : text(key)] = copied;
      if (copied !== null && typeof copied === 'object') pending.push([child, copied]);
    }
  }
  return root as T;
}
