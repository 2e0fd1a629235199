// One operation call: the script's arguments become a URL, headers and a body (serialised by each
// parameter's style), and the answer becomes a value. Path parameters are encoded so that no
// value can leave the operation's path ("../admin", "//elsewhere.example"), and the final URL is
// checked against the base URL before anything is sent.

import { ToolCallError } from '../../provider';
import { isObject } from './document';
import type { OperationPlan, ParameterPlan } from './operations';

export interface BuiltRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Nested structures have no serialisation in OpenAPI's styles; JSON is what servers tend to accept.
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A value as a list of scalars (an array) or of name/value pairs (an object), or one scalar. */
function shape(value: unknown): { kind: 'scalar'; value: string } | { kind: 'array'; items: string[] } | { kind: 'object'; pairs: [string, string][] } {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(scalarText) };
  if (isObject(value)) return { kind: 'object', pairs: Object.entries(value).map(([key, item]) => [key, scalarText(item)]) };
  return { kind: 'scalar', value: scalarText(value) };
}

/** A path parameter by its style (simple, label, matrix), each value percent-encoded. */
function pathValue(parameter: ParameterPlan, value: unknown): string {
  const e = encodeURIComponent;
  const data = shape(value);
  const parts = data.kind === 'scalar' ? [e(data.value)] : data.kind === 'array' ? data.items.map(e) : data.pairs.map(([key, item]) => (parameter.explode ? `${e(key)}=${e(item)}` : `${e(key)},${e(item)}`));
  switch (parameter.style) {
    case 'label':
      return `.${parts.join(parameter.explode ? '.' : ',')}`;
    case 'matrix': {
      const name = e(parameter.name);
      if (data.kind === 'array' && parameter.explode) return parts.map((part) => `;${name}=${part}`).join('');
      if (data.kind === 'object' && parameter.explode) return parts.map((part) => `;${part}`).join('');
      return `;${name}=${parts.join(',')}`;
    }
    default:
      return parts.join(',');
  }
}

/** A query parameter as `name=value` pairs (before encoding), by its style. */
function queryPairs(parameter: ParameterPlan, value: unknown): [string, string][] {
  const data = shape(value);
  const name = parameter.name;
  if (data.kind === 'scalar') return [[name, data.value]];
  if (data.kind === 'array') {
    if (parameter.explode && parameter.style === 'form') return data.items.map((item) => [name, item]);
    const separator = parameter.style === 'spaceDelimited' ? ' ' : parameter.style === 'pipeDelimited' ? '|' : ',';
    return [[name, data.items.join(separator)]];
  }
  if (parameter.style === 'deepObject') return data.pairs.map(([key, item]) => [`${name}[${key}]`, item]);
  if (parameter.explode) return data.pairs;
  return [[name, data.pairs.flat().join(',')]];
}

/** A header value (style simple), refused if it could end the header. */
function headerValue(parameter: ParameterPlan, value: unknown): string {
  const data = shape(value);
  const text = data.kind === 'scalar' ? data.value : data.kind === 'array' ? data.items.join(',') : data.pairs.map(([key, item]) => (parameter.explode ? `${key}=${item}` : `${key},${item}`)).join(',');
  if (/[\r\n\0]/.test(text)) throw new ToolCallError(`the header parameter "${parameter.key}" holds a line break`);
  return text;
}

/** A path segment that URL parsing would remove or climb out of, also in its percent-encoded spelling. */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

/** Builds the request for `args`; `base` is the API's base URL (its path is the operations' prefix). */
export function buildRequest(plan: OperationPlan, args: unknown, base: URL): BuiltRequest {
  const given = args === undefined || args === null ? {} : args;
  if (!isObject(given)) throw new ToolCallError(`expects one object argument, got ${Array.isArray(given) ? 'an array' : typeof given}`);
  const known = new Set([...plan.parameters.map((parameter) => parameter.key), ...(plan.body ? [plan.body.key] : [])]);
  const unknown = Object.keys(given).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new ToolCallError(`unknown argument${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}; expected ${[...known].map((key) => JSON.stringify(key)).join(', ') || 'none'}`);
  for (const key of [...plan.parameters.filter((parameter) => parameter.required).map((parameter) => parameter.key), ...(plan.body?.required ? [plan.body.key] : [])]) {
    if (given[key] === undefined || given[key] === null) throw new ToolCallError(`the argument "${key}" is required`);
  }

  let path = plan.path;
  const query: [string, string][] = [];
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const parameter of plan.parameters) {
    const value = given[parameter.key];
    if (value === undefined) continue;
    if (parameter.in === 'path') {
      const text = pathValue(parameter, value);
      if (text === '' || DOT_SEGMENT.test(text)) throw new ToolCallError(`the path parameter "${parameter.key}" cannot be ${JSON.stringify(scalarText(value))}`);
      path = path.split(`{${parameter.name}}`).join(text);
    } else if (parameter.in === 'query') query.push(...queryPairs(parameter, value));
    else if (parameter.in === 'header') headers[parameter.name] = headerValue(parameter, value);
    else cookies.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(headerValue(parameter, value))}`);
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');

  const prefix = base.pathname.replace(/\/+$/, '');
  const search = query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  const url = new URL(`${base.origin}${prefix}${path}${search ? `?${search}` : ''}`);
  // The segments were checked one by one; this catches anything the URL parser still rewrote.
  if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`) || url.pathname.split('/').some((segment) => DOT_SEGMENT.test(segment))) {
    throw new ToolCallError(`the arguments would take the request outside the API's base path`);
  }
  // Keep the base URL's own query (an API version, say) ahead of the operation's.
  for (const [name, value] of base.searchParams) if (!url.searchParams.has(name)) url.searchParams.append(name, value);

  let body: string | undefined;
  const payload = plan.body ? given[plan.body.key] : undefined;
  if (plan.body && payload !== undefined) {
    headers['content-type'] = plan.body.contentType;
    if (plan.body.encoding === 'json') body = JSON.stringify(payload);
    else if (plan.body.encoding === 'form') body = isObject(payload) ? new URLSearchParams(Object.entries(payload).map(([key, item]) => [key, scalarText(item)])).toString() : scalarText(payload);
    else body = scalarText(payload);
  }
  return { url, headers, ...(body !== undefined ? { body } : {}) };
}

const EXCERPT_CHARS = 300;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

/** The value of a 2xx answer (parsed JSON, or text); a ToolCallError for any other. */
export function responseValue(response: { status: number; statusText: string; contentType: string; text: string }): unknown {
  if (response.status < 200 || response.status > 299) {
    const body = excerpt(response.text);
    throw new ToolCallError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${body ? `: ${body}` : ''}`);
  }
  if (response.text.trim() === '') return null;
  if (/^application\/(.+\+)?json\b/i.test(response.contentType.trim())) {
    try {
      return JSON.parse(response.text) as unknown;
    } catch (error) {
      throw new ToolCallError(`the answer says it is JSON but is not (${(error as Error).message}): ${excerpt(response.text)}`);
    }
  }
  return response.text;
}
