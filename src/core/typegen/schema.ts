// Prepares a server's JSON Schema for the type generator. Schemas come from strangers, so this
// walks them knowing which keywords hold schemas, keeps what describes data, and drops or defuses
// the rest: external `$ref`s are never fetched, generator-specific keywords that inject raw
// TypeScript (`tsType`) are removed, titles are folded into descriptions so they cannot rename
// our types, and depth is bounded.

import type { JsonSchema } from '../provider';

type Mutable = { [key: string]: unknown };

const MAX_DEPTH = 48;

/** Keywords whose value is one schema. */
const SCHEMA_KEYS = ['additionalItems', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords copied as they are: they describe data and hold no schemas. */
const VALUE_KEYS = [
  'type', 'enum', 'const', 'default', 'examples', 'required', 'description', 'format', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'deprecated', 'readOnly', 'writeOnly', 'nullable',
];

const isObject = (value: unknown): value is Mutable => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text safe inside a JSDoc block. */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\r\n?/g, '\n');
}

export interface SanitizedSchema {
  readonly schema: Mutable;
  readonly warnings: readonly string[];
}

/**
 * Returns a cleaned copy of `schema` in which every local `$ref` ("#/…") is rewritten to live
 * under `#/definitions/<key>`, where the caller will place it.
 */
export function sanitizeSchema(schema: JsonSchema | undefined, key: string, what: string): SanitizedSchema {
  const warnings: string[] = [];
  const warnOnce = (message: string): void => {
    if (!warnings.includes(message)) warnings.push(message);
  };

  const visit = (node: unknown, depth: number): Mutable | boolean => {
    if (typeof node === 'boolean') return node;
    if (!isObject(node)) {
      warnOnce(`${what}: a schema that is not an object was read as "any value"`);
      return {};
    }
    if (depth > MAX_DEPTH) {
      warnOnce(`${what}: nested deeper than ${MAX_DEPTH} levels; the rest is typed as unknown`);
      return {};
    }
    const out: Mutable = {};
    const ref = node.$ref;
    if (typeof ref === 'string') {
      if (ref === '#' || ref.startsWith('#/')) {
        out.$ref = `#/definitions/${key}${ref.slice(1)}`;
      } else {
        warnOnce(`${what}: the $ref ${JSON.stringify(ref.slice(0, 120))} points outside the schema and is not fetched; typed as unknown`);
        return {};
      }
    }
    for (const name of VALUE_KEYS) if (name in node) out[name] = node[name];
    if ('required' in out && !(Array.isArray(out.required) && out.required.every((item) => typeof item === 'string'))) delete out.required;
    if ('type' in out && !(typeof out.type === 'string' || (Array.isArray(out.type) && out.type.every((item) => typeof item === 'string')))) delete out.type;
    if ('enum' in out && !Array.isArray(out.enum)) delete out.enum;
    if (typeof node.title === 'string' && node.title.trim()) {
      out.description = typeof out.description === 'string' && out.description.trim() ? `${node.title}: ${out.description}` : node.title;
    }
    if (typeof out.description === 'string') out.description = docText(out.description);
    else delete out.description;

    if ('items' in node) {
      out.items = Array.isArray(node.items) ? node.items.map((item) => visit(item, depth + 1)) : visit(node.items, depth + 1);
    }
    for (const name of SCHEMA_KEYS) if (name in node) out[name] = visit(node[name], depth + 1);
    for (const name of SCHEMA_LIST_KEYS) {
      if (!(name in node)) continue;
      const list = node[name];
      if (Array.isArray(list)) out[name] = list.map((item) => visit(item, depth + 1));
      else warnOnce(`${what}: "${name}" is not a list and was ignored`);
    }
    for (const name of SCHEMA_MAP_KEYS) {
      if (!(name in node)) continue;
      const map = node[name];
      if (!isObject(map)) {
        warnOnce(`${what}: "${name}" is not an object and was ignored`);
        continue;
      }
      const copy: Mutable = {};
      for (const [property, value] of Object.entries(map)) copy[property] = visit(value, depth + 1);
      out[name] = copy;
    }
    return out;
  };

  const root = visit(schema ?? {}, 0);
  return { schema: typeof root === 'boolean' ? {} : root, warnings };
}

/** The names of an input schema's top-level properties with their docs, for `@param` lines. */
export function describeParameters(schema: JsonSchema | undefined): { name: string; required: boolean; doc: string }[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((item): item is string => typeof item === 'string') : []);
  return Object.entries(schema.properties).map(([name, value]) => {
    const property = isObject(value) ? value : {};
    const parts: string[] = [];
    if (typeof property.title === 'string' && property.title.trim()) parts.push(property.title.trim());
    if (typeof property.description === 'string' && property.description.trim()) parts.push(property.description.trim());
    if ('default' in property) parts.push(`(default: ${JSON.stringify(property.default)})`);
    return { name, required: required.has(name), doc: docText(parts.join(' ').replace(/\s*\n\s*/g, ' ')) };
  });
}
