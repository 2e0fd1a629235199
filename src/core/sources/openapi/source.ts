// An HTTP API described by OpenAPI, as a tool source: each operation is a tool. The base URL,
// the configured headers and credentials stay here; a script passes only the operation's
// parameters and body, and only the hosts of the document's servers, the baseUrl and allowHosts
// are ever called.

import type { OpenApiDefinition } from '../../config/types';
import type { Resolver } from '../../config/variables';
import { ToolCallError } from '../../provider';
import { PreparedSource, type Prepared, type SourceOptions } from '../prepared';
import { loadSpec, serverUrls } from './document';
import { fetchAllowed, HostRule } from './http';
import { operationsOf, type OperationPlan } from './operations';
import { buildRequest, responseValue } from './request';

/** The default wait for the spec's download, when the source sets no timeoutMs. */
const SPEC_TIMEOUT_MS = 30_000;
/** The most an answer may hold; a tool result this large would not fit a model anyway. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

interface Api {
  readonly base: URL;
  readonly rule: HostRule;
  /** Lower-cased names: a parameter header may not add a second value to a configured one. */
  readonly headers: Readonly<Record<string, string>>;
  readonly operations: ReadonlyMap<string, OperationPlan>;
}

function httpUrl(text: string, what: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`${what} is not an http:// or https:// URL`);
  return url;
}

export class OpenApiSource extends PreparedSource<Api> {
  readonly kind = 'openapi' as const;

  constructor(
    private readonly definition: OpenApiDefinition,
    options: SourceOptions,
  ) {
    super(definition.name, definition.source, options);
  }

  protected async prepare(resolver: Resolver, signal: AbortSignal): Promise<Prepared<Api>> {
    const definition = this.definition;
    const spec = await resolver.text(definition.spec, 'spec');
    const baseUrl = definition.baseUrl === undefined ? undefined : httpUrl(await resolver.text(definition.baseUrl, 'baseUrl'), 'baseUrl');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(definition.headers)) headers[name.toLowerCase()] = await resolver.header(value, `headers.${name}`);

    const isUrl = /^https?:\/\//i.test(spec);
    const specRule = HostRule.of([...(isUrl ? [httpUrl(spec, 'spec')] : []), ...(baseUrl ? [baseUrl] : [])], definition.allowHosts);
    const folder = this.options.variables.workspaceFolder ?? process.cwd();
    const loaded = await loadSpec(spec, folder, specRule, signal, definition.timeoutMs ?? SPEC_TIMEOUT_MS);
    const servers = serverUrls(loaded);
    const base = baseUrl ?? servers[0];
    if (!base) throw new Error('the spec names no absolute server URL (servers[0].url); set "baseUrl"');
    const rule = HostRule.of([...servers, base], definition.allowHosts);

    const { operations, warnings } = operationsOf(loaded.document, new Set(Object.keys(headers)));
    const wanted = definition.operations ? new Set(definition.operations) : undefined;
    const chosen = wanted ? operations.filter((operation) => wanted.has(operation.tool)) : operations;
    const missing = wanted ? [...wanted].filter((name) => !operations.some((operation) => operation.tool === name)) : [];
    const notes = [...warnings];
    if (missing.length > 0) notes.push(`"operations" names ${missing.map((name) => JSON.stringify(name)).join(', ')}, which the spec does not have`);
    return {
      value: { base, rule, headers, operations: new Map(chosen.map((operation) => [operation.tool, operation])) },
      tools: chosen.map((operation) => ({
        name: operation.tool,
        ...(operation.title ? { title: operation.title } : {}),
        ...(operation.description ? { description: operation.description } : {}),
        inputSchema: operation.inputSchema,
        ...(operation.outputSchema ? { outputSchema: operation.outputSchema } : {}),
        ...(operation.annotations ? { annotations: operation.annotations } : {}),
      })),
      warnings: notes,
    };
  }

  protected async invoke(api: Api, tool: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    const operation = api.operations.get(tool);
    if (!operation) throw new ToolCallError(`no operation "${tool}"`);
    const request = buildRequest(operation, args, api.base);
    const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5' };
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    Object.assign(headers, api.headers);
    const response = await fetchAllowed(request.url, { method: operation.method, headers, ...(request.body !== undefined ? { body: request.body } : {}) }, api.rule, signal, this.definition.timeoutMs ?? timeoutMs, MAX_RESPONSE_BYTES);
    return responseValue(response);
  }
}
