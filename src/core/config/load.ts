// Reads server definitions from JSON with comments, in either shape users already have:
//   .vscode/mcp.json     { "servers": { ... }, "inputs": [ ... ] }
//   settings.json        { "codemode.servers": { ... }, "codemode.inputs": [ ... ] }  (or "mcp": { ... })
// Beside "servers", "openapi" and "commands" (or "codemode.openapi" and "codemode.commands") define
// other tool sources, whose names share the servers' namespace space. Every problem is reported
// with the file, the JSON path and the line; a bad server or source is left out and the others
// still load.

import { readFile } from 'node:fs/promises';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { CommandOutput, CommandSourceDefinition, CommandToolDefinition, ConfigIssue, InputDefinition, LoadedConfig, OpenApiDefinition, ServerDefinition, SourceDefinition, SourceLocation } from './types';

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
const OPENAPI_KEYS = new Set(['spec', 'baseUrl', 'headers', 'allowHosts', 'operations', 'timeoutMs']);
const COMMANDS_KEYS = new Set(['cwd', 'env', 'tools']);
const COMMAND_TOOL_KEYS = new Set(['description', 'command', 'args', 'parameters', 'required', 'output', 'timeoutMs']);
/** The parameter types a command line can carry: each becomes one argument, an array several. */
const COMMAND_PARAMETER_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array']);
const COMMAND_OUTPUTS: readonly CommandOutput[] = ['text', 'json', 'lines'];
/** `host` or `host:port`: a name, an IPv4 address or a bracketed IPv6 address, and nothing else. */
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

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

/** Whether `text` (with no variables in it) is an http(s) URL; says what it is otherwise. */
function httpUrlProblem(text: string): string | undefined {
  if (text.includes('${')) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return undefined;
  // Only the scheme: the rest of a URL may carry a key.
  return `must be an http:// or https:// URL, got ${parsed ? `a URL with the ${parsed.protocol} scheme` : 'a string that is not a URL'}`;
}

function warnUnknownKeys(reader: Reader, value: JsonObject, known: ReadonlySet<string>, path: JsonPath, what: string, name: string): void {
  for (const key of Object.keys(value)) if (!known.has(key)) reader.warn([...path, key], `is not a property of ${what} and is ignored`, name);
}

function readTimeout(reader: Reader, value: unknown, path: JsonPath, name: string): number | undefined | false {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  reader.error(path, `must be a positive number of milliseconds, got ${describe(value)}`, name);
  return false;
}

function readStringList(reader: Reader, value: unknown, path: JsonPath, name: string, check?: (item: string) => string | undefined): string[] | undefined {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    reader.error(path, 'must be an array of strings', name);
    return undefined;
  }
  for (const [index, item] of (value as string[]).entries()) {
    const problem = check?.(item);
    if (problem) {
      reader.error([...path, index], problem, name);
      return undefined;
    }
  }
  return value as string[];
}

function readOpenApi(reader: Reader, name: string, value: unknown, path: JsonPath): OpenApiDefinition | undefined {
  if (!isObject(value)) {
    reader.error(path, `OpenAPI source "${name}" must be an object with a "spec" (a file or an http(s) URL)`, name);
    return undefined;
  }
  warnUnknownKeys(reader, value, OPENAPI_KEYS, path, 'OpenAPI sources', name);
  const { spec, baseUrl } = value;
  if (typeof spec !== 'string' || spec.trim() === '') {
    reader.error(spec === undefined ? path : [...path, 'spec'], spec === undefined ? `OpenAPI source "${name}" has no "spec" (a file or an http(s) URL)` : `must be a non-empty string, got ${describe(spec)}`, name);
    return undefined;
  }
  // A spec that names a scheme is a URL and must be http(s); anything else is a file path.
  const specProblem = /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(spec) ? httpUrlProblem(spec) : undefined;
  if (specProblem) {
    reader.error([...path, 'spec'], specProblem, name);
    return undefined;
  }
  if (baseUrl !== undefined) {
    const problem = typeof baseUrl === 'string' ? httpUrlProblem(baseUrl) : `must be a string, got ${describe(baseUrl)}`;
    if (problem) {
      reader.error([...path, 'baseUrl'], problem, name);
      return undefined;
    }
  }
  const headers = readStringRecord(reader, value.headers, [...path, 'headers'], name, false) as Record<string, string> | undefined;
  if (!headers) return undefined;
  const allowHosts = value.allowHosts === undefined ? [] : readStringList(reader, value.allowHosts, [...path, 'allowHosts'], name, (host) => (HOST_PATTERN.test(host) ? undefined : `must be a host name or host:port (no scheme or path), got ${JSON.stringify(host)}`));
  if (!allowHosts) return undefined;
  const operations = value.operations === undefined ? undefined : readStringList(reader, value.operations, [...path, 'operations'], name);
  if (value.operations !== undefined && !operations) return undefined;
  const timeoutMs = readTimeout(reader, value.timeoutMs, [...path, 'timeoutMs'], name);
  if (timeoutMs === false) return undefined;
  return {
    type: 'openapi',
    name,
    spec,
    ...(typeof baseUrl === 'string' ? { baseUrl } : {}),
    headers,
    allowHosts: allowHosts.map((host) => host.toLowerCase()),
    ...(operations ? { operations } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    source: reader.location(path),
  };
}

/** A `{name}` in an argument template; `${name}` is a variable, not a placeholder. */
export const PLACEHOLDER = /(?<!\$)\{([A-Za-z_][\w-]*)\}/g;

/** What is wrong with a command parameter's schema, if anything: it must be something a command line can carry. */
function parameterSchemaProblem(schema: unknown, inArray = false): string | undefined {
  if (!isObject(schema)) return 'must be a JSON Schema object, such as { "type": "string", "description": "…" }';
  const { type, items } = schema;
  if (type !== undefined && (typeof type !== 'string' || !COMMAND_PARAMETER_TYPES.has(type) || (inArray && type === 'array'))) {
    return `"type" must be one of ${[...COMMAND_PARAMETER_TYPES].filter((known) => !inArray || known !== 'array').join(', ')}, got ${describe(type)}`;
  }
  if (type === 'array' && items !== undefined) {
    const inner = parameterSchemaProblem(items, true);
    if (inner) return `items: ${inner}`;
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0 || schema.enum.some((item) => item === null || typeof item === 'object'))) return '"enum" must be a non-empty array of strings, numbers or booleans';
  return undefined;
}

function readCommandTool(reader: Reader, source: string, tool: string, value: unknown, path: JsonPath): CommandToolDefinition | undefined {
  if (!isObject(value)) {
    reader.error(path, `tool "${tool}" must be an object with a "command"`, source);
    return undefined;
  }
  warnUnknownKeys(reader, value, COMMAND_TOOL_KEYS, path, 'command tools', source);
  const { command, description, output } = value;
  if (typeof command !== 'string' || command.trim() === '') {
    reader.error(command === undefined ? path : [...path, 'command'], command === undefined ? `tool "${tool}" has no "command"` : `must be a non-empty string, got ${describe(command)}`, source);
    return undefined;
  }
  if (value.args !== undefined && (!Array.isArray(value.args) || value.args.some((arg) => typeof arg !== 'string' && typeof arg !== 'number'))) {
    reader.error([...path, 'args'], 'must be an array of strings', source);
    return undefined;
  }
  if (description !== undefined && typeof description !== 'string') {
    reader.error([...path, 'description'], `must be a string, got ${describe(description)}`, source);
    return undefined;
  }
  const parametersValue = value.parameters ?? {};
  if (!isObject(parametersValue)) {
    reader.error([...path, 'parameters'], 'must be an object of parameter names to JSON Schemas', source);
    return undefined;
  }
  const parameters: Record<string, Record<string, unknown>> = {};
  for (const [parameter, schema] of Object.entries(parametersValue)) {
    const problem = parameterSchemaProblem(schema);
    if (problem) {
      reader.error([...path, 'parameters', parameter], problem, source);
      return undefined;
    }
    parameters[parameter] = schema as Record<string, unknown>;
  }
  const required = value.required === undefined ? [] : readStringList(reader, value.required, [...path, 'required'], source, (item) => (item in parameters ? undefined : `names no parameter: ${JSON.stringify(item)}`));
  if (!required) return undefined;
  if (output !== undefined && !COMMAND_OUTPUTS.includes(output as CommandOutput)) {
    reader.error([...path, 'output'], `must be "text", "json" or "lines", got ${describe(output)}`, source);
    return undefined;
  }
  const timeoutMs = readTimeout(reader, value.timeoutMs, [...path, 'timeoutMs'], source);
  if (timeoutMs === false) return undefined;
  const args = ((value.args as unknown[] | undefined) ?? []).map(String);
  args.forEach((arg, index) => {
    for (const match of arg.matchAll(PLACEHOLDER)) {
      if (!(match[1]! in parameters)) reader.warn([...path, 'args', index], `{${match[1]}} names no parameter, so it is passed as it is`, source);
    }
  });
  return {
    name: tool,
    ...(typeof description === 'string' ? { description } : {}),
    command,
    args,
    parameters,
    required,
    output: (output as CommandOutput | undefined) ?? 'text',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

function readCommands(reader: Reader, name: string, value: unknown, path: JsonPath): CommandSourceDefinition | undefined {
  if (!isObject(value)) {
    reader.error(path, `command source "${name}" must be an object with "tools"`, name);
    return undefined;
  }
  warnUnknownKeys(reader, value, COMMANDS_KEYS, path, 'command sources', name);
  if (value.cwd !== undefined && typeof value.cwd !== 'string') {
    reader.error([...path, 'cwd'], `must be a string, got ${describe(value.cwd)}`, name);
    return undefined;
  }
  const env = readStringRecord(reader, value.env, [...path, 'env'], name, true);
  if (!env) return undefined;
  if (!isObject(value.tools) || Object.keys(value.tools).length === 0) {
    reader.error(value.tools === undefined ? path : [...path, 'tools'], `command source "${name}" needs "tools": an object of tool names to { "command", "args", "parameters" }`, name);
    return undefined;
  }
  const tools: CommandToolDefinition[] = [];
  // A bad tool is left out; its siblings still load.
  for (const [tool, definition] of Object.entries(value.tools)) {
    const read = readCommandTool(reader, name, tool, definition, [...path, 'tools', tool]);
    if (read) tools.push(read);
  }
  return { type: 'command', name, ...(typeof value.cwd === 'string' ? { cwd: value.cwd } : {}), env, tools, source: reader.location(path) };
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

/** Finds the servers, other sources and inputs in a parsed document of either shape. */
function readDocument(reader: Reader, document: unknown): LoadedConfig {
  const empty = (): LoadedConfig => ({ servers: [], sources: [], inputs: [], issues: reader.issues });
  if (!isObject(document)) {
    reader.error([], 'the configuration must be a JSON object');
    return empty();
  }
  let serversPath: JsonPath;
  let inputsPath: JsonPath;
  let openapiPath: JsonPath;
  let commandsPath: JsonPath;
  if (['servers', 'inputs', 'openapi', 'commands'].some((key) => key in document)) {
    serversPath = ['servers'];
    inputsPath = ['inputs'];
    openapiPath = ['openapi'];
    commandsPath = ['commands'];
  } else if (['codemode.servers', 'codemode.openapi', 'codemode.commands'].some((key) => key in document)) {
    const nested = document['codemode.servers'];
    // `codemode.servers` may also hold the whole mcp.json shape.
    const whole = isObject(nested) && isObject(nested.servers) && Object.keys(nested).every((key) => key === 'servers' || key === 'inputs');
    serversPath = whole ? ['codemode.servers', 'servers'] : ['codemode.servers'];
    inputsPath = whole ? ['codemode.servers', 'inputs'] : ['codemode.inputs'];
    openapiPath = ['codemode.openapi'];
    commandsPath = ['codemode.commands'];
  } else if (isObject(document.mcp)) {
    serversPath = ['mcp', 'servers'];
    inputsPath = ['mcp', 'inputs'];
    openapiPath = ['mcp', 'openapi'];
    commandsPath = ['mcp', 'commands'];
  } else {
    reader.error([], 'found no servers: expected "servers" (the .vscode/mcp.json shape) or "codemode.servers" (settings.json)');
    return empty();
  }

  const valueAt = (path: JsonPath): unknown => path.reduce<unknown>((value, key) => (isObject(value) ? value[key as string] : undefined), document);
  const inputs = readInputs(reader, valueAt(inputsPath), inputsPath);
  const known = new Set(inputs.map((input) => input.id));
  const servers: ServerDefinition[] = [];
  const sources: SourceDefinition[] = [];
  /** Every name taken so far, with where: servers and sources are namespaces of one script. */
  const taken = new Map<string, JsonPath>();
  const entries = <T extends ServerDefinition | SourceDefinition>(at: JsonPath, what: string, read: (name: string, value: unknown, path: JsonPath) => T | undefined, into: T[]): void => {
    const value = valueAt(at);
    if (value === undefined) return;
    if (!isObject(value)) {
      reader.error(at, `must be an object mapping ${what} names to their definitions`);
      return;
    }
    for (const [name, item] of Object.entries(value)) {
      const path = [...at, name];
      const first = taken.get(name);
      if (first) {
        const where = reader.location(first);
        reader.error(path, `"${name}" is already defined at ${pathText(first)}${where.line !== undefined ? ` (line ${where.line})` : ''}; servers, openapi and commands share one set of names, since each is a namespace in scripts`, name);
        continue;
      }
      taken.set(name, path);
      const definition = read(name, item, path);
      if (!definition) continue;
      into.push(definition);
      for (const id of inputReferences(definition)) {
        if (!known.has(id)) reader.warn(path, `uses \${input:${id}}, which no entry in "inputs" defines; it will be asked for by its id`, name);
      }
    }
  };
  entries(serversPath, 'server', (name, value, path) => readServer(reader, name, value, path), servers);
  entries(openapiPath, 'OpenAPI source', (name, value, path) => readOpenApi(reader, name, value, path), sources);
  entries(commandsPath, 'command source', (name, value, path) => readCommands(reader, name, value, path), sources);
  return { servers, sources, inputs, issues: reader.issues };
}

/** The strings of a definition that variables may appear in. */
function variableTexts(definition: ServerDefinition | SourceDefinition): string[] {
  switch (definition.type) {
    case 'stdio':
      return [definition.command, ...definition.args, ...Object.values(definition.env).filter((v): v is string => v !== null), definition.envFile ?? '', definition.cwd ?? ''];
    case 'http':
    case 'sse':
      return [definition.url, ...Object.values(definition.headers)];
    case 'openapi':
      return [definition.spec, definition.baseUrl ?? '', ...Object.values(definition.headers)];
    case 'command':
      return [definition.cwd ?? '', ...Object.values(definition.env).filter((v): v is string => v !== null), ...definition.tools.flatMap((tool) => [tool.command, ...tool.args])];
  }
}

/** The `${input:id}` ids a server's (or other source's) definition mentions. */
export function inputReferences(definition: ServerDefinition | SourceDefinition): string[] {
  return [...new Set(variableTexts(definition).flatMap((text) => [...text.matchAll(/\$\{input:([^}]+)\}/g)].map((match) => match[1]!)))];
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
    return { servers: [], sources: [], inputs: [], issues: reader.issues };
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
