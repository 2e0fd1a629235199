// Each operation of an OpenAPI document as a tool: its name, description, input schema (the
// parameters as properties, the request body as `body`), output schema (the 2xx JSON response),
// and the plan a call follows to build its request.

import type { JsonSchema, ToolAnnotations } from '../../provider';
import { isObject, type JsonObject } from './document';
import { dereference, SchemaConverter } from './schemas';

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface ParameterPlan {
  /** The name on the wire. */
  readonly name: string;
  /** The argument's property name (the wire name, unless two locations share it). */
  readonly key: string;
  readonly in: ParameterLocation;
  readonly style: string;
  readonly explode: boolean;
  readonly required: boolean;
}

export type BodyEncoding = 'json' | 'form' | 'text';

export interface BodyPlan {
  readonly key: string;
  readonly contentType: string;
  readonly encoding: BodyEncoding;
  readonly required: boolean;
}

export interface OperationPlan {
  readonly tool: string;
  readonly method: string;
  /** The path template, such as /pets/{petId}. */
  readonly path: string;
  readonly parameters: readonly ParameterPlan[];
  readonly body?: BodyPlan;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  readonly annotations?: ToolAnnotations;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const LOCATIONS: readonly string[] = ['path', 'query', 'header', 'cookie'];
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const DEFAULT_STYLE: Record<ParameterLocation, string> = { path: 'simple', query: 'form', header: 'simple', cookie: 'form' };

const isJson = (type: string): boolean => /^application\/(.+\+)?json$/i.test(type.split(';')[0]!.trim());

/** A request body's media type and how it is sent; undefined for one this cannot send (multipart). */
function bodyMedia(content: JsonObject): { type: string; encoding: BodyEncoding; schema: unknown } | undefined {
  const types = Object.keys(content);
  const json = types.find(isJson);
  if (json) return { type: json, encoding: 'json', schema: (content[json] as JsonObject | undefined)?.schema };
  if (types.includes('application/x-www-form-urlencoded')) return { type: 'application/x-www-form-urlencoded', encoding: 'form', schema: (content['application/x-www-form-urlencoded'] as JsonObject | undefined)?.schema };
  const text = types.find((type) => type.startsWith('text/'));
  if (text) return { type: text, encoding: 'text', schema: { type: 'string' } };
  return undefined;
}

/** The first 2xx response's JSON schema. */
function responseSchema(document: JsonObject, responses: unknown): unknown {
  if (!isObject(responses)) return undefined;
  const codes = Object.keys(responses)
    .filter((code) => /^2(\d\d|XX)$/i.test(code))
    .sort();
  for (const code of codes) {
    const response = dereference(document, responses[code]);
    const content = response && isObject(response.content) ? response.content : undefined;
    const json = content && Object.keys(content).find(isJson);
    if (json && isObject(content[json]) && (content[json] as JsonObject).schema !== undefined) return (content[json] as JsonObject).schema;
  }
  return undefined;
}

/** A tool name for an operation without an operationId: `get /pets/{id}` → `get_pets_id`. */
function fallbackName(method: string, path: string): string {
  return `${method}_${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`.replace(/_+$/, '') || method;
}

export interface Operations {
  readonly operations: readonly OperationPlan[];
  readonly warnings: readonly string[];
}

/**
 * The document's operations as tools. Parameters the source fills in itself (a header it is
 * configured with, such as Authorization) are not asked of the script.
 */
export function operationsOf(document: JsonObject, hiddenHeaders: ReadonlySet<string>): Operations {
  const operations: OperationPlan[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = dereference(document, rawItem);
    if (!item) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      let tool = typeof operation.operationId === 'string' && operation.operationId.trim() !== '' ? operation.operationId : fallbackName(method, path);
      if (names.has(tool)) {
        let n = 2;
        while (names.has(`${tool}_${n}`)) n++;
        warnings.push(`${method.toUpperCase()} ${path}: the tool name "${tool}" is taken, so it is "${tool}_${n}"`);
        tool = `${tool}_${n}`;
      }
      const plan = planOperation(document, tool, method, path, item, operation, hiddenHeaders);
      if (typeof plan === 'string') {
        warnings.push(`${method.toUpperCase()} ${path} is left out: ${plan}`);
        continue;
      }
      names.add(tool);
      operations.push(plan);
    }
  }
  return { operations, warnings };
}

/** The plan for one operation, or why it cannot be called. */
function planOperation(document: JsonObject, tool: string, method: string, path: string, item: JsonObject, operation: JsonObject, hiddenHeaders: ReadonlySet<string>): OperationPlan | string {
  const converter = new SchemaConverter(document);
  // Operation parameters override path-level ones with the same name and location.
  const declared = new Map<string, JsonObject>();
  for (const list of [item.parameters, operation.parameters]) {
    for (const raw of Array.isArray(list) ? list : []) {
      const parameter = dereference(document, raw);
      if (parameter && typeof parameter.name === 'string' && typeof parameter.in === 'string' && LOCATIONS.includes(parameter.in)) declared.set(`${parameter.in}:${parameter.name}`, parameter);
    }
  }
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const parameters: ParameterPlan[] = [];
  for (const parameter of declared.values()) {
    const location = parameter.in as ParameterLocation;
    const name = parameter.name as string;
    // OpenAPI itself says Accept, Content-Type and Authorization header parameters are ignored.
    if (location === 'header' && (hiddenHeaders.has(name.toLowerCase()) || IGNORED_HEADERS.has(name.toLowerCase()))) continue;
    const key = Object.hasOwn(properties, name) ? `${name}_${location}` : name;
    const content = isObject(parameter.content) ? parameter.content : undefined;
    const schema = parameter.schema ?? (content ? (Object.values(content).find(isObject) as JsonObject | undefined)?.schema : undefined) ?? {};
    const converted = converter.convert(schema);
    const description = typeof parameter.description === 'string' ? parameter.description : undefined;
    properties[key] = description && isObject(converted) && typeof converted.description !== 'string' ? { ...converted, description } : converted;
    const isRequired = location === 'path' || parameter.required === true;
    if (isRequired) required.push(key);
    const style = typeof parameter.style === 'string' ? parameter.style : DEFAULT_STYLE[location];
    parameters.push({ name, key, in: location, style, explode: typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form', required: isRequired });
  }
  for (const name of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === name[1])) return `its path parameter {${name[1]}} is not declared`;
  }

  let body: BodyPlan | undefined;
  const requestBody = operation.requestBody === undefined ? undefined : dereference(document, operation.requestBody);
  if (requestBody && isObject(requestBody.content) && Object.keys(requestBody.content).length > 0) {
    const media = bodyMedia(requestBody.content);
    if (!media) return `its request body is ${Object.keys(requestBody.content).join(' or ')}, which cannot be sent (JSON, form and text bodies can)`;
    const key = Object.hasOwn(properties, 'body') ? 'requestBody' : 'body';
    const converted = converter.convert(media.schema ?? {});
    const description = typeof requestBody.description === 'string' ? requestBody.description : undefined;
    properties[key] = description && isObject(converted) && typeof converted.description !== 'string' ? { ...converted, description } : converted;
    if (requestBody.required === true) required.push(key);
    body = { key, contentType: media.type, encoding: media.encoding, required: requestBody.required === true };
  }

  const output = responseSchema(document, operation.responses);
  const outputSchema = output === undefined ? undefined : converter.withDefinitions(converter.convert(output));
  const summary = typeof operation.summary === 'string' ? operation.summary.trim() : '';
  const details = typeof operation.description === 'string' ? operation.description.trim() : '';
  const description = [operation.deprecated === true ? 'Deprecated.' : '', summary, details, `${method.toUpperCase()} ${path}`].filter(Boolean).join('\n\n');
  return {
    tool,
    method: method.toUpperCase(),
    path,
    parameters,
    ...(body ? { body } : {}),
    ...(summary ? { title: summary } : {}),
    description,
    inputSchema: converter.withDefinitions({ type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false }) as JsonSchema,
    ...(isObject(outputSchema) ? { outputSchema } : {}),
    ...(method === 'get' || method === 'head' ? { annotations: { readOnlyHint: true } } : {}),
  };
}
