// Prepares a server's JSON Schema for the type generator. Schemas come from strangers, so this
// walks them knowing which keywords hold schemas, keeps what describes data, and drops or defuses
// the rest: external `$ref`s are never fetched, generator-specific keywords that inject raw
// TypeScript (`tsType`) are removed, titles are folded into descriptions so they cannot rename
// our types, and depth is bounded. What is left is what json-schema-to-typescript can type
// without throwing, so one odd keyword does not cost a tool all its types.

import type { JsonSchema } from '../provider';

type Mutable = { [key: string]: unknown };

const MAX_DEPTH = 48;

/**
 * The longest tuple an array's `minItems`/`maxItems` may ask for; longer ones are plain arrays.
 * The generator writes a tuple of `minItems` elements, each a copy of the item type:
 * `minItems: 100000` made a 900 KB declaration, which a model would pay for on every request.
 */
export const MAX_TUPLE = 4;

// Only keywords json-schema-to-typescript types are kept: it still walks others (`contains`, `if`,
// `propertyNames`, `examples`…) and treats the objects in them as schemas, where a key named
// `hasOwnProperty` or `extends` makes it throw or rewrite them.
/** Keywords whose value is one schema. */
const SCHEMA_KEYS = ['additionalItems', 'additionalProperties'];
/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAP_KEYS = ['properties', 'patternProperties', 'definitions', '$defs'];
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf'];
/** Keywords copied as they are: they describe data and hold no schemas. */
const VALUE_KEYS = ['type', 'enum', 'const', 'default', 'required', 'description'];
/** Keywords copied when they hold a plain value (a string, number or boolean), not an object to walk. */
const PLAIN_KEYS = [
  'format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength',
  'uniqueItems', 'minProperties', 'maxProperties', 'readOnly', 'writeOnly',
];
const JSON_TYPES: readonly unknown[] = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'];

/** Keywords that say nothing about the type of a value. */
const ANNOTATION_KEYS = new Set(['description', 'deprecated', 'readOnly', 'writeOnly', 'format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'uniqueItems', 'minProperties', 'maxProperties']);
/** Keywords the generator requires to be booleans (it throws on any other `deprecated`). */
const BOOLEAN_KEYS = ['deprecated', 'nullable'];

const isObject = (value: unknown): value is Mutable => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keys the generator cannot have in any object it walks, values included: it calls
 * `object.hasOwnProperty(…)` on each, so a key of that name makes it throw.
 */
const UNTYPABLE_KEY = 'hasOwnProperty';

/**
 * True for a value the generator would choke on: one with an object holding a `$ref` (its resolver
 * follows those even in `enum` and `default`) or an untypable key anywhere in it.
 */
const unsafeValue = (value: unknown): boolean =>
  Array.isArray(value) ? value.some(unsafeValue) : isObject(value) && (typeof value.$ref === 'string' || Object.hasOwn(value, UNTYPABLE_KEY) || Object.values(value).some(unsafeValue));

/** Text with an unpaired surrogate, which the resolver cannot encode (it throws URIError on such a property name). */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text safe inside a JSDoc block. */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\r\n?/g, '\n');
}

/**
 * Text safe on one line of a comment: a name with a line break would end a `//` comment early and
 * turn the rest of the name into code (TypeScript also ends lines at U+2028 and U+2029).
 */
export function docLine(text: string): string {
  return docText(text).replace(/[\n\u2028\u2029]+/g, ' ');
}

export interface SanitizedSchema {
  readonly schema: Mutable;
  readonly warnings: readonly string[];
}

/**
 * The path a local `$ref` ("#/a/b~1c") points to: `~1` is "/", `~0` is "~", then percent-decoding,
 * as json-schema-to-typescript's resolver reads it.
 */
function pointerPath(ref: string): string[] {
  return ref
    .slice(1)
    .split('/')
    .slice(1)
    .map((segment) => {
      const unescaped = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      try {
        return decodeURIComponent(unescaped);
      } catch {
        return unescaped;
      }
    });
}

/**
 * The pointer to a path, escaped and percent-encoded so that the URL parser the resolver passes it
 * through first keeps it as it is; undefined when it cannot be (a name with an unpaired surrogate).
 */
function pointerTo(path: readonly string[]): string | undefined {
  try {
    return path.map((segment) => `/${encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');
  } catch {
    return undefined;
  }
}

/** A name as the generator's type names compare: letters and digits, whatever their case. */
const squash = (name: string): string => name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/**
 * A definition's name as the copy keeps it: camelCase ASCII letters and digits, the type name the
 * generator would make of it anyway. Nothing else: the generator quotes definition names raw in
 * comments (a definition named `*\/` ended one and became code), and names types after the
 * percent-encoded pointers to them (`with%20space` made `With20Space`). A name like one of `ours`
 * gets "Schema" after it: the generator names the first type it meets, and a definition named
 * `SearchInput` met before the `search` tool's own input type took its name, and gave the tool
 * the definition's type. References follow the schemas, not the names.
 */
function definitionName(name: string, ours: ReadonlySet<string>): string {
  const safe = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word, i) => (i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('');
  return ours.has(squash(safe)) ? `${safe}Schema` : safe;
}

/** A non-negative whole number no larger than a tuple may be; undefined otherwise. */
const tupleLength = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TUPLE ? value : undefined);

/**
 * Returns a cleaned copy of `schema` in which every local `$ref` ("#/…") is rewritten to live
 * under `#/definitions/<key>`, where the caller will place it; `reserved` are the type names the
 * caller gives its tools' schemas, which the schema's own definitions must leave alone. A `$ref` to nothing the copy keeps,
 * or one in a cycle of references that never reaches a schema, is dropped with a warning (its
 * place typed by its other keywords, or unknown): the generator throws on either, and would take
 * the whole tool's types with it.
 */
export function sanitizeSchema(schema: JsonSchema | undefined, key: string, what: string, reserved: ReadonlySet<string> = new Set()): SanitizedSchema {
  const ours = new Set([...reserved].map(squash));
  const warnings: string[] = [];
  const warnOnce = (message: string): void => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  /** Each schema of the input (by the JSON of its path there): its copy, and the copy's path. */
  const copies = new Map<string, { readonly schema: Mutable | boolean; readonly place: readonly string[] }>();
  /** The copied schemas holding a local `$ref`, with the input path (as JSON) it points to. */
  const refs = new Map<Mutable, { readonly ref: string; readonly path: string }>();
  const targetOf = (node: Mutable): Mutable | boolean | undefined => copies.get(refs.get(node)?.path ?? '')?.schema;

  const visit = (node: unknown, depth: number, from: readonly string[], to: readonly string[]): Mutable | boolean => {
    const schema = copy(node, depth, from, to);
    copies.set(JSON.stringify(from), { schema, place: to });
    return schema;
  };

  /** Copies the schemas in a map of names to schemas, under `to`. */
  const copyMap = (keyword: string, map: Mutable, depth: number, from: readonly string[], to: readonly string[], into: Mutable = {}): Mutable => {
    for (const [name, value] of Object.entries(map)) {
      if (UNPAIRED_SURROGATE.test(name) || name === UNTYPABLE_KEY) {
        warnOnce(`${what}: the generator cannot type the name ${JSON.stringify(name)}; it was left out`);
        continue;
      }
      const safe = keyword === 'properties' ? name : keyword === 'patternProperties' ? docText(name) : definitionName(name, ours);
      let free = safe;
      for (let n = 2; Object.hasOwn(into, free); n++) free = `${safe}${n}`;
      // Defined, not assigned: assigning a property named "__proto__" would set the prototype and lose the property.
      Object.defineProperty(into, free, { value: visit(value, depth + 1, [...from, name], [...to, free]), enumerable: true, writable: true, configurable: true });
    }
    return into;
  };

  const copy = (node: unknown, depth: number, from: readonly string[], to: readonly string[]): Mutable | boolean => {
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
    /** The reference, on an object of its own: its `$ref` is written once every schema has its place in the copy. */
    let reference: Mutable | undefined;
    const ref = node.$ref;
    if (typeof ref === 'string') {
      if (ref === '#' || ref.startsWith('#/')) {
        reference = {};
        refs.set(reference, { ref, path: JSON.stringify(pointerPath(ref)) });
      } else {
        warnOnce(`${what}: the $ref ${JSON.stringify(ref.slice(0, 120))} points outside the schema and is not fetched; typed as unknown`);
        return {};
      }
    }
    for (const name of VALUE_KEYS) if (name in node) out[name] = node[name];
    for (const name of PLAIN_KEYS) if (name in node && ['string', 'number', 'boolean'].includes(typeof node[name])) out[name] = node[name];
    for (const name of BOOLEAN_KEYS) if (typeof node[name] === 'boolean') out[name] = node[name];
    if ('required' in out && !(Array.isArray(out.required) && out.required.every((item) => typeof item === 'string'))) delete out.required;
    // Only JSON's own types: an empty list (or one of unknown names) would be typed as an empty
    // union, which the generator then writes as `never` into an index signature its properties break.
    if ('type' in out) {
      const types = (Array.isArray(out.type) ? out.type : [out.type]).filter((type) => JSON_TYPES.includes(type));
      if (types.length === 0) delete out.type;
      else out.type = Array.isArray(out.type) ? types : types[0];
    }
    if ('enum' in out && !Array.isArray(out.enum)) delete out.enum;
    // `const` as the generator reads it, a one-value enum: it would walk an object in `const` as a schema first.
    if ('const' in out) {
      out.enum = [out.const];
      delete out.const;
    }
    if (Array.isArray(out.enum) && out.enum.some(unsafeValue)) out.enum = out.enum.filter((value) => !unsafeValue(value));
    // An empty enum allows nothing; typed as any value instead, like an empty type list.
    if (Array.isArray(out.enum) && out.enum.length === 0) delete out.enum;
    if (unsafeValue(out.default)) delete out.default;
    if (typeof node.title === 'string' && node.title.trim()) {
      out.description = typeof out.description === 'string' && out.description.trim() ? `${node.title}: ${out.description}` : node.title;
    }
    if (typeof out.description === 'string') out.description = docText(out.description);
    else delete out.description;
    // The generator throws on a negative, fractional or contradictory length, and spells out a long one.
    const minItems = tupleLength(node.minItems);
    const maxItems = tupleLength(node.maxItems);
    if (minItems !== undefined) out.minItems = minItems;
    if (maxItems !== undefined && maxItems >= (minItems ?? 0)) out.maxItems = maxItems;

    const child = (value: unknown, step: readonly string[], place: readonly string[]): Mutable | boolean => visit(value, depth + 1, [...from, ...step], [...to, ...place]);
    const list = (value: unknown[], step: string, place: string): (Mutable | boolean)[] => value.map((item, i) => child(item, [step, String(i)], [place, String(i)]));
    if (Array.isArray(node.prefixItems) && !Array.isArray(node.items)) {
      // A 2020-12 tuple, in the draft-7 words the generator knows: `items` is then what follows the prefix.
      out.items = list(node.prefixItems, 'prefixItems', 'items');
      if ('items' in node) out.additionalItems = child(node.items, ['items'], ['additionalItems']);
    } else {
      if (Array.isArray(node.items)) out.items = list(node.items, 'items', 'items');
      else if ('items' in node) out.items = child(node.items, ['items'], ['items']);
      if ('additionalItems' in node) out.additionalItems = child(node.additionalItems, ['additionalItems'], ['additionalItems']);
    }
    for (const name of SCHEMA_KEYS) if (name in node && !(name in out)) out[name] = child(node[name], [name], [name]);
    for (const name of SCHEMA_LIST_KEYS) {
      if (!(name in node)) continue;
      const value = node[name];
      if (Array.isArray(value)) out[name] = list(value, name, name);
      else warnOnce(`${what}: "${name}" is not a list and was ignored`);
    }
    for (const name of SCHEMA_MAP_KEYS) {
      if (!(name in node)) continue;
      const map = node[name];
      if (!isObject(map)) {
        warnOnce(`${what}: "${name}" is not an object and was ignored`);
        continue;
      }
      // The generator throws on a schema with both `definitions` and `$defs`: they go together
      // under `$defs`, a clashing name renamed (references follow the schema, not the name).
      const place = name === 'definitions' && isObject(node.$defs) ? '$defs' : name;
      out[place] = copyMap(name, map, depth, [...from, name], [...to, place], isObject(out[place]) ? out[place] : {});
    }
    if (reference === undefined) return out;
    if (Object.keys(out).length === 0) return reference;
    // A reference next to other keywords means both (as JSON Schema 2019-09 reads it). Left side by
    // side, the resolver would copy the keywords into the referenced schema itself, where every
    // other reference to it sees them (a property's description became its type's), or throw.
    out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), reference];
    return out;
  };

  const root = visit(schema ?? {}, 0, [], []);

  // Each reference now points to where its schema went in the copy, or, when the copy has nothing
  // there (a missing or dropped schema, a value that is not a schema), it goes.
  const drop = (node: Mutable, why: string): void => {
    warnOnce(`${what}: the $ref ${JSON.stringify(refs.get(node)!.ref.slice(0, 120))} ${why}; typed as unknown`);
    refs.delete(node);
    delete node.$ref;
  };
  for (const [node, { path }] of refs) {
    const target = copies.get(path);
    const pointer = target && pointerTo(target.place);
    if (pointer === undefined) drop(node, 'points to nothing in the schema');
    // The resolver cannot put a boolean schema in a reference's place (it throws); `true` is any
    // value, which the reference's own place already is, and `false` is typed as leniently.
    else if (typeof target!.schema === 'boolean') refs.delete(node);
    else node.$ref = `#/definitions/${key}${pointer}`;
  }
  const schemas = [...copies.values()].map((copied) => copied.schema).filter(isObject);
  // A schema that is itself through references and allOf/anyOf/oneOf members alone has no type
  // (`type X = X & string` does not compile); nor, TypeScript finds, has a tuple whose rest holds
  // arrays of itself (`type X = [] | [A, ...X[][]]`). So the edges followed here are references,
  // members, a tuple's rest and, within a rest, array and tuple items; the last reference along each cycle
  // goes (every cycle has one: the other edges lead down the tree). Repeated until none is left,
  // since breaking a cycle at a reference other than the edge that closed it can leave another.
  const members = (node: Mutable): unknown[] => SCHEMA_LIST_KEYS.flatMap((name) => (Array.isArray(node[name]) ? node[name] : []));
  let broken = true;
  while (broken) {
    broken = false;
    const path: { readonly node: Mutable; readonly byRef: boolean }[] = [];
    const done = { rest: new Set<Mutable>(), plain: new Set<Mutable>() };
    const walk = (node: Mutable, rest: boolean, byRef: boolean): void => {
      // Along a path the rest flag only ever turns on, so a node met again is a cycle in either state.
      const again = path.findIndex((step) => step.node === node);
      if (again >= 0) {
        const steps = [...path.slice(again + 1), { node, byRef }];
        const last = steps.map((step) => step.byRef).lastIndexOf(true);
        const holder = last < 0 ? undefined : last === 0 ? path[again]!.node : steps[last - 1]!.node;
        if (holder && refs.has(holder)) {
          drop(holder, 'is in a cycle of references that never reaches a schema');
          broken = true;
        }
        return;
      }
      const finished = rest ? done.rest : done.plain;
      if (finished.has(node)) return;
      path.push({ node, byRef });
      const target = targetOf(node);
      if (isObject(target)) walk(target, rest, true);
      for (const member of members(node)) if (isObject(member)) walk(member, rest, false);
      if ((rest || Array.isArray(node.items)) && isObject(node.additionalItems)) walk(node.additionalItems, true, false);
      if (rest) for (const item of Array.isArray(node.items) ? node.items : [node.items]) if (isObject(item)) walk(item, true, false);
      path.pop();
      finished.add(node);
    };
    for (const node of schemas) walk(node, false, false);
  }
  // "Any value" (left by a dropped reference or keyword, or sent so) adds nothing to an allOf and
  // makes an anyOf or oneOf any value. Said so here, because the generator, reducing such a
  // union itself, loses the type's name along with it. Children come before their parents here,
  // so this works from the bottom up.
  const anything = (member: unknown): boolean => member === true || (isObject(member) && Object.keys(member).every((name) => ANNOTATION_KEYS.has(name)));
  // A list a reference points into (`#/allOf/1`) keeps its members where they are: taking one out
  // would move the others under the pointer, even the reference's own holder, making it its own type.
  const placeOf = new Map([...copies.values()].flatMap((copied) => (isObject(copied.schema) ? [[copied.schema, copied.place] as const] : [])));
  const pointers = [...refs.keys()].map((node) => String(node.$ref));
  const pointedInto = (node: Mutable, name: string): boolean => {
    const place = placeOf.get(node);
    const pointer = place && pointerTo([...place, name]);
    return pointer !== undefined && pointers.some((ref) => ref.startsWith(`#/definitions/${key}${pointer}/`));
  };
  for (const node of schemas) {
    if (Array.isArray(node.allOf) && !pointedInto(node, 'allOf')) node.allOf = node.allOf.filter((member) => !anything(member));
    for (const name of SCHEMA_LIST_KEYS) {
      const list = node[name];
      if (Array.isArray(list) && (list.length === 0 || list.some(anything)) && !pointedInto(node, name)) delete node[name];
    }
  }
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
