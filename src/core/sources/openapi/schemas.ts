// OpenAPI schemas to the JSON Schema tools carry. References inside the document stay references,
// rewritten to point into the tool schema's own `$defs` (so a cycle such as a tree node whose
// children are tree nodes stays a cycle, which the type generator turns into a recursive type);
// OpenAPI 3.0's `nullable` becomes a null type; references to other files are not followed.

import { isObject, type JsonObject } from './document';

/** Deeper than this, a schema is cut off (typed as unknown): the document may come from anyone. */
const MAX_DEPTH = 64;
/** Keywords whose value is one schema (or, for `items` in old drafts, a list of them). */
const SCHEMA_KEYS = new Set(['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems']);
const SCHEMA_LIST_KEYS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** How many `$ref` hops a parameter, body or response may take before it counts as a cycle. */
const MAX_HOPS = 32;

/** The value a local pointer ("#/components/schemas/Pet") names, or undefined. */
function pointerTarget(document: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  if (ref === '#') return document;
  if (!ref.startsWith('#/')) return undefined;
  let value: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    let segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    try {
      segment = decodeURIComponent(segment);
    } catch {
      // Kept as written.
    }
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (isObject(value) && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}

/**
 * Follows `$ref`s until an object that is not one (a parameter, request body or response defined
 * in `components`); undefined for a dangling or cyclic reference.
 */
export function dereference(document: JsonObject, value: unknown): JsonObject | undefined {
  let current = value;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (!isObject(current)) return undefined;
    if (typeof current.$ref !== 'string') return current;
    current = pointerTarget(document, current.$ref);
  }
  return undefined;
}

/**
 * Converts the schemas of one tool, collecting the named schemas they reference into one `$defs`
 * object for the tool schema's root.
 */
export class SchemaConverter {
  private readonly defs: Record<string, unknown> = {};
  /** Pointer → name in `$defs`. */
  private readonly names = new Map<string, string>();

  constructor(private readonly document: JsonObject) {}

  /**
   * `schema` with the `$defs` it refers to, directly or through other definitions, and no others:
   * the input and output of a tool share a converter, and each is compiled (and read) alone.
   */
  withDefinitions(schema: unknown): unknown {
    if (!isObject(schema)) return schema;
    const used = new Set<string>();
    const pending: unknown[] = [schema];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (Array.isArray(next)) pending.push(...next);
      else if (isObject(next)) {
        const name = typeof next.$ref === 'string' && next.$ref.startsWith('#/$defs/') ? next.$ref.slice('#/$defs/'.length) : undefined;
        if (name !== undefined && !used.has(name) && Object.hasOwn(this.defs, name)) {
          used.add(name);
          pending.push(this.defs[name]);
        }
        pending.push(...Object.values(next));
      }
    }
    if (used.size === 0) return schema;
    return { ...schema, $defs: Object.fromEntries([...used].sort().map((name) => [name, this.defs[name]])) };
  }

  convert(schema: unknown, depth = 0): unknown {
    if (!isObject(schema)) return schema;
    if (depth > MAX_DEPTH) return {};
    if (typeof schema.$ref === 'string') return this.reference(schema.$ref, schema, depth);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) {
      // Examples and vendor extensions describe nothing a type can say, and can be large.
      if (key === 'example' || key === 'examples' || key === 'xml' || key === 'externalDocs' || key.startsWith('x-')) continue;
      if (SCHEMA_KEYS.has(key)) out[key] = Array.isArray(value) ? value.map((item) => this.convert(item, depth + 1)) : this.convert(value, depth + 1);
      else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) out[key] = value.map((item) => this.convert(item, depth + 1));
      else if (SCHEMA_MAP_KEYS.has(key) && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([name, item]) => [name, this.convert(item, depth + 1)]));
      else out[key] = value;
    }
    return nullable(out);
  }

  private reference(ref: string, schema: JsonObject, depth: number): unknown {
    const described = typeof schema.description === 'string' ? schema.description : undefined;
    if (!ref.startsWith('#')) return { description: [described, `(defined in ${ref}, which is not read)`].filter(Boolean).join(' ') };
    let name = this.names.get(ref);
    if (name === undefined) {
      const target = pointerTarget(this.document, ref);
      if (target === undefined) return described === undefined ? {} : { description: described };
      name = this.nameFor(ref);
      this.names.set(ref, name);
      // Named before it is converted, so a reference back to it inside stays a reference.
      this.defs[name] = {};
      this.defs[name] = this.convert(target, depth + 1);
    }
    return { ...(described === undefined ? {} : { description: described }), $ref: `#/$defs/${name}` };
  }

  private nameFor(ref: string): string {
    const last = ref.split('/').pop() ?? 'Schema';
    const base = last.replace(/~1/g, '_').replace(/~0/g, '_').replace(/[^A-Za-z0-9_]/g, '_') || 'Schema';
    let name = base;
    for (let n = 2; Object.hasOwn(this.defs, name); n++) name = `${base}${n}`;
    return name;
  }
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema: `null` among the types. */
function nullable(schema: Record<string, unknown>): Record<string, unknown> {
  if (schema.nullable !== true) return schema;
  const { nullable: _, ...rest } = schema;
  if (typeof rest.type === 'string') return { ...rest, type: [rest.type, 'null'] };
  if (Array.isArray(rest.type)) return rest.type.includes('null') ? rest : { ...rest, type: [...rest.type, 'null'] };
  return { anyOf: [rest, { type: 'null' }] };
}
