// Reads server definitions from JSON with comments, in either shape users already have:
//   .vscode/mcp.json     { "servers": { ... }, "inputs": [ ... ] }
//   settings.json        { "codemode.servers": { ... }, "codemode.inputs": [ ... ] }  (or "mcp": { ... })
// Every problem is reported with the file, the JSON path and the line; a bad server is left out
// and the others still load.

import { readFile } from 'node:fs/promises';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ConfigIssue, InputDefinition, LoadedConfig, ServerDefinition, SourceLocation } from './types';

type JsonPath = (string | number)[];
type JsonObject = { [key: string]: unknown };

/** A configuration file that could not be read at all. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `servers.my-server.args[0]`; the first part (a file's top-level key, such as a setting's id) as it is. */
const pathText = (path: JsonPath): string =>
  path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : /^[A-Za-z_$][\w$-]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`)).join('');

/** Properties VS Code's mcp.json accepts that have no meaning here; they are ignored quietly. */
const IGNORED_SERVER_KEYS = new Set(['dev', 'gallery', 'version', 'description', 'sandbox', 'sandboxEnabled']);
const STDIO_KEYS = new Set(['type', 'command', 'args', 'env', 'envFile', 'cwd']);
const REMOTE_KEYS = new Set(['type', 'url', 'headers']);

class Reader {
  readonly issues: ConfigIssue[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly file: string,
    text: string | undefined,
    private readonly tree: Node | undefined,
  ) {
    if (text) for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  location(path: JsonPath): SourceLocation {
    const node = this.tree ? (findNodeAtLocation(this.tree, path) ?? this.nearest(path)) : undefined;
    if (!node) return { file: this.file, path: pathText(path) };
    // For a property, point at its key rather than its value.
    const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
    return { file: this.file, path: pathText(path), ...this.position(offset) };
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  error(path: JsonPath, message: string, server?: string): void {
    this.issues.push({ severity: 'error', message, location: this.location(path), ...(server ? { server } : {}) });
  }

  warn(path: JsonPath, message: string, server?: string): void {
    this.issues.push({ severity: 'warning', message, location: this.location(path), ...(server ? { server } : {}) });
  }

  private nearest(path: JsonPath): Node | undefined {
    for (let length = path.length - 1; length >= 0; length--) {
      const node = findNodeAtLocation(this.tree!, path.slice(0, length));
      if (node) return node;
    }
    return undefined;
  }
}

function readStringRecord(reader: Reader, value: unknown, path: JsonPath, server: string, allowNull: boolean): Record<string, string | null> | undefined {
  if (value === undefined) return {};
  if (!isObject(value)) {
    reader.error(path, 'must be an object of names to string values', server);
    return undefined;
  }
  const record: Record<string, string | null> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') record[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') record[key] = String(item);
    else if (item === null && allowNull) record[key] = null;
    else {
      reader.error([...path, key], `must be a string${allowNull ? ' (or null to unset it)' : ''}, got ${describe(item, false)}`, server);
      return undefined;
    }
  }
  return record;
}

/** A value's kind for an error message; quoted only where it cannot be a secret (`env`, `headers` and `args` values can). */
function describe(value: unknown, quote = true): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return quote ? `${typeof value} ${JSON.stringify(value)}` : `a ${typeof value}`;
}

function readServer(reader: Reader, name: string, value: unknown, path: JsonPath): ServerDefinition | undefined {
  if (!isObject(value)) {
    reader.error(path, `server "${name}" must be an object with a "command" (stdio) or a "url" (http, sse)`, name);
    return undefined;
  }
  const declared = value.type;
  if (declared !== undefined && declared !== 'stdio' && declared !== 'http' && declared !== 'sse') {
    reader.error([...path, 'type'], `must be "stdio", "http" or "sse", got ${describe(declared)}`, name);
    return undefined;
  }
  const type = declared ?? (value.url !== undefined ? 'http' : 'stdio');
  const known = type === 'stdio' ? STDIO_KEYS : REMOTE_KEYS;
  for (const key of Object.keys(value)) {
    if (known.has(key) || IGNORED_SERVER_KEYS.has(key)) continue;
    reader.warn([...path, key], `is not a property of ${type} servers and is ignored`, name);
  }
  const source = reader.location(path);

  if (type === 'stdio') {
    const { command, args, envFile, cwd } = value;
    if (typeof command !== 'string' || command.trim() === '') {
      reader.error(command === undefined ? path : [...path, 'command'], command === undefined ? `server "${name}" has no "command" (or "url" for a remote server)` : `must be a non-empty string, got ${describe(command)}`, name);
      return undefined;
    }
    if (args !== undefined && (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string' && typeof arg !== 'number'))) {
      reader.error([...path, 'args'], 'must be an array of strings', name);
      return undefined;
    }
    for (const [key, item] of [['envFile', envFile], ['cwd', cwd]] as const) {
      if (item !== undefined && typeof item !== 'string') {
        reader.error([...path, key], `must be a string, got ${describe(item)}`, name);
        return undefined;
      }
    }
    const env = readStringRecord(reader, value.env, [...path, 'env'], name, true);
    if (!env) return undefined;
    return {
      type,
      name,
      command,
      args: ((args as unknown[] | undefined) ?? []).map(String),
      env,
      ...(typeof envFile === 'string' ? { envFile } : {}),
      ...(typeof cwd === 'string' ? { cwd } : {}),
      source,
    };
  }

  const { url } = value;
  if (typeof url !== 'string' || url.trim() === '') {
    reader.error(url === undefined ? path : [...path, 'url'], url === undefined ? `server "${name}" of type "${type}" has no "url"` : `must be a non-empty string, got ${describe(url)}`, name);
    return undefined;
  }
  if (!url.includes('${')) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      // Only the scheme: the rest of a URL may carry a key.
      reader.error([...path, 'url'], `must be an http:// or https:// URL, got ${parsed ? `a URL with the ${parsed.protocol} scheme` : 'a string that is not a URL'}`, name);
      return undefined;
    }
  }
  const headers = readStringRecord(reader, value.headers, [...path, 'headers'], name, false) as Record<string, string> | undefined;
  if (!headers) return undefined;
  return { type, name, url, headers, source };
}

function readInputs(reader: Reader, value: unknown, path: JsonPath): InputDefinition[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    reader.error(path, 'must be an array of input definitions');
    return [];
  }
  const inputs: InputDefinition[] = [];
  value.forEach((item: unknown, index) => {
    const at = [...path, index];
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') {
      reader.error(at, 'an input needs a string "id"');
      return;
    }
    const type = item.type ?? 'promptString';
    if (type !== 'promptString' && type !== 'pickString') {
      reader.error([...at, 'type'], `must be "promptString" or "pickString", got ${describe(type)}`);
      return;
    }
    const options = Array.isArray(item.options) ? item.options.map((option) => (isObject(option) ? String(option.value ?? option.label ?? '') : String(option))) : undefined;
    if (type === 'pickString' && (!options || options.length === 0)) {
      reader.error([...at, 'options'], 'a pickString input needs a non-empty "options" array');
      return;
    }
    inputs.push({
      id: item.id,
      type,
      description: typeof item.description === 'string' ? item.description : item.id,
      password: item.password === true,
      ...(typeof item.default === 'string' ? { default: item.default } : {}),
      ...(options ? { options } : {}),
    });
  });
  return inputs;
}

/** Finds the servers and inputs in a parsed document of either shape. */
function readDocument(reader: Reader, document: unknown): LoadedConfig {
  if (!isObject(document)) {
    reader.error([], 'the configuration must be a JSON object');
    return { servers: [], inputs: [], issues: reader.issues };
  }
  let serversPath: JsonPath;
  let inputsPath: JsonPath;
  if ('servers' in document || 'inputs' in document) {
    serversPath = ['servers'];
    inputsPath = ['inputs'];
  } else if ('codemode.servers' in document) {
    const nested = document['codemode.servers'];
    // `codemode.servers` may also hold the whole mcp.json shape.
    const whole = isObject(nested) && isObject(nested.servers) && Object.keys(nested).every((key) => key === 'servers' || key === 'inputs');
    serversPath = whole ? ['codemode.servers', 'servers'] : ['codemode.servers'];
    inputsPath = whole ? ['codemode.servers', 'inputs'] : ['codemode.inputs'];
  } else if (isObject(document.mcp)) {
    serversPath = ['mcp', 'servers'];
    inputsPath = ['mcp', 'inputs'];
  } else {
    reader.error([], 'found no servers: expected "servers" (the .vscode/mcp.json shape) or "codemode.servers" (settings.json)');
    return { servers: [], inputs: [], issues: reader.issues };
  }

  const valueAt = (path: JsonPath): unknown => path.reduce<unknown>((value, key) => (isObject(value) ? value[key as string] : undefined), document);
  const serversValue = valueAt(serversPath);
  const inputs = readInputs(reader, valueAt(inputsPath), inputsPath);
  const known = new Set(inputs.map((input) => input.id));
  const servers: ServerDefinition[] = [];
  if (serversValue !== undefined && !isObject(serversValue)) {
    reader.error(serversPath, 'must be an object mapping server names to their definitions');
  } else if (serversValue) {
    for (const [name, value] of Object.entries(serversValue)) {
      const path = [...serversPath, name];
      const server = readServer(reader, name, value, path);
      if (!server) continue;
      servers.push(server);
      for (const id of inputReferences(server)) {
        if (!known.has(id)) reader.warn(path, `uses \${input:${id}}, which no entry in "inputs" defines; it will be asked for by its id`, name);
      }
    }
  }
  return { servers, inputs, issues: reader.issues };
}

/** The `${input:id}` ids a server's definition mentions. */
export function inputReferences(server: ServerDefinition): string[] {
  const texts = server.type === 'stdio' ? [server.command, ...server.args, ...Object.values(server.env).filter((v): v is string => v !== null), server.envFile ?? '', server.cwd ?? ''] : [server.url, ...Object.values(server.headers)];
  return [...new Set(texts.flatMap((text) => [...text.matchAll(/\$\{input:([^}]+)\}/g)].map((match) => match[1]!)))];
}

/** Parses configuration text (JSON with comments and trailing commas). */
export function parseConfig(text: string, file: string): LoadedConfig {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const reader = new Reader(file, text, tree);
  if (errors.length > 0) {
    for (const error of errors.slice(0, 5)) {
      const position = reader.position(error.offset);
      reader.issues.push({ severity: 'error', message: `invalid JSON: ${printParseErrorCode(error.error)}`, location: { file, path: '', ...position } });
    }
    return { servers: [], inputs: [], issues: reader.issues };
  }
  return readDocument(reader, tree ? getNodeValue(tree) : undefined);
}

/** Validates configuration that arrives as a value (VS Code settings), without positions. */
export function configFromValue(value: unknown, label: string): LoadedConfig {
  return readDocument(new Reader(label, undefined, undefined), value);
}

export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileError(`Cannot read configuration ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseConfig(text, file);
}
