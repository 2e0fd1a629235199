// Reads an OpenAPI 3.0 or 3.1 document, JSON or YAML, from a file or an http(s) URL, and works out
// the base URL its operations are called at.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fetchAllowed, type HostRule } from './http';

export type JsonObject = { readonly [key: string]: unknown };

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A spec is configuration, not data: larger than this is surely something else. */
const MAX_SPEC_BYTES = 20 * 1024 * 1024;

export interface SpecDocument {
  readonly document: JsonObject;
  /** Where it was downloaded from; relative server URLs resolve against it. */
  readonly url?: URL;
}

/** Parses JSON or YAML text (YAML's alias limit keeps an "expansion bomb" small). */
export function parseSpec(text: string, where: string): JsonObject {
  let document: unknown;
  try {
    document = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 });
  } catch (error) {
    throw new Error(`${where} is neither JSON nor YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(document)) throw new Error(`${where} is not an OpenAPI document (not an object)`);
  if (typeof document.swagger === 'string') throw new Error(`${where} is Swagger ${document.swagger}; only OpenAPI 3.0 and 3.1 are supported (convert it, e.g. with swagger2openapi)`);
  if (typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw new Error(`${where} is not an OpenAPI 3.0 or 3.1 document (its "openapi" field is ${JSON.stringify(document.openapi ?? null)})`);
  }
  return document;
}

/**
 * Loads the spec. A URL is fetched without the configured headers, from its own host or one the
 * source allows, and redirects stay among those.
 */
export async function loadSpec(spec: string, folder: string, rule: HostRule, signal: AbortSignal, timeoutMs: number): Promise<SpecDocument> {
  if (/^https?:\/\//i.test(spec)) {
    const url = new URL(spec);
    const response = await fetchAllowed(url, { method: 'GET', headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' } }, rule, signal, timeoutMs, MAX_SPEC_BYTES);
    if (response.status < 200 || response.status > 299) throw new Error(`the spec ${url.host}${url.pathname} answered HTTP ${response.status} ${response.statusText}`);
    return { document: parseSpec(response.text, `the spec at ${url.host}${url.pathname}`), url };
  }
  const file = path.resolve(folder, spec);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read the spec ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (text.length > MAX_SPEC_BYTES) throw new Error(`the spec ${file} is larger than ${MAX_SPEC_BYTES} bytes`);
  return { document: parseSpec(text, `the spec ${file}`) };
}

/**
 * The URLs of the document's `servers`, with server variables at their defaults and relative URLs
 * resolved against where the document came from. Those that cannot be made absolute are left out.
 */
export function serverUrls(spec: SpecDocument): URL[] {
  const servers = Array.isArray(spec.document.servers) ? spec.document.servers : [];
  const urls: URL[] = [];
  for (const server of servers) {
    if (!isObject(server) || typeof server.url !== 'string') continue;
    const variables = isObject(server.variables) ? server.variables : {};
    const text = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const variable = variables[name];
      return isObject(variable) && (typeof variable.default === 'string' || typeof variable.default === 'number') ? String(variable.default) : whole;
    });
    try {
      const url = new URL(text, spec.url);
      if (url.protocol === 'http:' || url.protocol === 'https:') urls.push(url);
    } catch {
      // Relative, from a file: only a baseUrl can say where it is.
    }
  }
  return urls;
}
