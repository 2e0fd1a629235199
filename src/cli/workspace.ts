// The CLI's view of a workspace: which configuration file, which folder is ${workspaceFolder},
// how inputs are answered, and a hub over the configured servers.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { ConfigFileError, loadConfigFile } from '../core/config/load';
import { formatIssue, type InputDefinition, type LoadedConfig } from '../core/config/types';
import type { ConnectionOptions } from '../core/mcp/connection';
import { McpHub } from '../core/mcp/hub';
import { createSources } from '../core/sources/create';
import { UsageError } from './usage';

export const DEFAULT_CONFIG = path.join('.vscode', 'mcp.json');
const STARTUP_TIMEOUT_MS = 30_000;

export interface Workspace {
  readonly configFile: string | undefined;
  readonly folder: string;
  readonly config: LoadedConfig;
  readonly hub: McpHub;
}

/** The environment variable that answers `${input:id}`. */
export function inputVariable(id: string): string {
  return `CODEMODE_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Asks on the terminal; a password is read without echo. */
function ask(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      const write = (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput.bind(prompt);
      (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => write(text.startsWith(question) ? text : '');
    }
    prompt.question(question, (answer) => {
      prompt.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

async function answerInput(input: InputDefinition, server: string, interactive: boolean): Promise<string> {
  const variable = inputVariable(input.id);
  const fromEnvironment = process.env[variable];
  if (fromEnvironment !== undefined) return fromEnvironment;
  if (!interactive || !process.stdin.isTTY) {
    if (input.default !== undefined) return input.default;
    throw new Error(`input "${input.id}" (${input.description}) has no value: set ${variable}`);
  }
  const options = input.options ? ` [${input.options.join(', ')}]` : '';
  const fallback = input.default !== undefined && !input.password ? ` (${input.default})` : '';
  const answer = await ask(`${input.description}${options}${fallback} for server "${server}": `, input.password);
  return answer === '' && input.default !== undefined ? input.default : answer;
}

export interface WorkspaceOptions {
  /** Fail without a configuration file instead of running with no servers. */
  readonly required: boolean;
  /** Show the servers' own stderr. */
  readonly verbose: boolean;
  /**
   * Whether inputs missing from the environment may be asked for on a terminal; `codemode serve`
   * says no, since its standard input carries the protocol (or nobody watches it).
   */
  readonly interactive?: boolean;
}

/**
 * Loads the configuration (the given file, or ./.vscode/mcp.json when it exists). Problems with
 * single servers are printed and those servers left out; a file that cannot be used at all is a
 * usage error.
 */
export async function openWorkspace(configOption: string | undefined, options: WorkspaceOptions): Promise<Workspace> {
  const configFile = configOption ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  if (!configFile && options.required) {
    throw new UsageError(`No configuration: ${path.resolve(DEFAULT_CONFIG)} does not exist; pass --config <file>`);
  }
  let config: LoadedConfig = { servers: [], sources: [], inputs: [], issues: [] };
  if (configFile) {
    try {
      config = await loadConfigFile(path.resolve(configFile));
    } catch (error) {
      if (error instanceof ConfigFileError) throw new UsageError(error.message);
      throw error;
    }
  }
  for (const issue of config.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  const fatal = config.issues.find((issue) => issue.severity === 'error' && issue.server === undefined && issue.location.path === '');
  if (fatal) throw new UsageError(`Cannot use the configuration ${fatal.location.file}: ${fatal.message}`);

  const absolute = configFile ? path.resolve(configFile) : undefined;
  // A file inside a .vscode folder belongs to the folder above it, as in VS Code.
  const folder = absolute && path.basename(path.dirname(absolute)) === '.vscode' ? path.dirname(path.dirname(absolute)) : process.cwd();
  const connection: ConnectionOptions = {
    variables: { workspaceFolder: folder, env: process.env, inputs: config.inputs, input: (input, server) => answerInput(input, server, options.interactive ?? true) },
    roots: () => [{ uri: pathToFileURL(folder).href, name: path.basename(folder) }],
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    clientVersion: process.env.CODEMODE_VERSION ?? 'dev',
    onLog: options.verbose ? (server, level, text) => process.stderr.write(`[${server}] ${level === 'info' ? '' : `${level}: `}${text}\n`) : undefined,
  };
  // OpenAPI and command sources share the servers' variables, inputs and log.
  const hub = new McpHub(config.servers, connection, createSources(config, connection));
  return { configFile: absolute, folder, config, hub };
}
