// Fuzzed schemas: fast-check feeds random and adversarial tool catalogues (recursive and broken
// `$ref`s, odd and reserved names, unicode, huge enums, conflicting keywords, booleans and nulls
// where schemas belong, deep nesting, names that collide once sanitised, many servers) to the
// declaration generator, and checks every output:
//   - generating never throws; a schema the generator cannot type degrades only its own tool;
//   - every file, and the compact text for models, compiles under tsc --strict, and a script can
//     name every namespace and function the sandbox binds;
//   - every namespace, function and type name is a valid identifier, unique in its scope, and the
//     same as the sandbox's (naming.ts); file names are unique even where case does not count;
//   - nothing from a schema, a name or a description escapes a comment or becomes code;
//   - the input type keeps every top-level property of the input schema, and is the tool's own;
//   - the compact text for models declares the same code as the files, with shorter comments;
//   - declarations grow with the schemas (at most 20 KB plus 25 characters per character of them);
//   - same input, same bytes, whatever order servers and tools arrive in.
// Tool sets are checked in batches: each batch is one TypeScript program, so the compiler starts
// once per fast-check run. The unit test (test/unit/schema-fuzz.test.ts) and `npm run stress` share
// this module.

import fc from 'fast-check';
import ts from 'typescript';
import { assignIdentifiers } from '../../src/core/naming';
import type { JsonSchema, ToolAnnotations, ToolInfo } from '../../src/core/provider';
import { declarationText, GENERATED_HEADER, generateDeclarations, INDEX_FILE, type GeneratedDeclarations, type ServerTools } from '../../src/core/typegen/generate';
import { typeCheck } from '../helpers/typecheck';
import { formatMs, table, type StressSection } from './report';

/** One catalogue: what `generateDeclarations` receives. */
export type ToolSet = readonly ServerTools[];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Names and texts

/** Words that are reserved, special or already taken somewhere in JavaScript, TypeScript, the sandbox or the file system. */
const SPECIAL_NAMES = [
  'delete', 'new', 'class', 'function', 'return', 'typeof', 'void', 'null', 'true', 'enum', 'await', 'yield', 'let', 'static',
  'implements', 'interface', 'package', 'private', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'this', 'super',
  'type', 'declare', 'namespace', 'module', 'global', 'keyof', 'infer', 'readonly', 'unique', 'is', 'asserts', 'as', 'of',
  'any', 'unknown', 'never', 'string', 'number', 'object', 'symbol', 'bigint', 'boolean', 'satisfies', 'using', 'accessor',
  'abstract', 'override', 'out', 'intrinsic', 'get', 'set', 'async', 'from', 'require',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'then',
  'console', 'globalThis', 'parseInt', 'isNaN', 'escape', 'encodeURI', 'Promise', 'ToolError', 'UntypedToolResult', 'JSON', 'Math', 'Symbol',
  'index', 'Index', 'INDEX', 'con', 'aux', 'nul', 'prn', 'com1', 'lpt9', 'CodeModeSchemaRoot',
  // JSON Schema and generator keywords, as names of properties and definitions.
  '$ref', '$defs', 'definitions', 'properties', 'items', 'required', 'enum', 'const', 'default', 'extends', 'deprecated', 'tsType',
  'tsEnumNames', 'additionalProperties', 'allOf', 'not', 'description', 'title', 'id', '$id', 'minItems', 'nullable', 'examples',
];

/** Names that collide with one another once sanitised. */
const COLLIDING_NAMES = [
  'get_user', 'get-user', 'getUser', 'GET_USER', 'get user', 'GetUser', 'getUser2', 'get_user_2', 'get.user', 'get__user',
  'my-server', 'my_server', 'myServer', 'MyServer', 'myserver', 'MYSERVER', 'my server', 'myServer_', 'delete_', 'delete',
];

/** Pieces of names and texts that have broken (or could break) generators. */
const ODD_PIECES = [
  '', ' ', '  ', '2fa', '123', '0', '_', '-', '.', '$', '"', "'", '`', '\\', '\\u0041', '*/', '/*', '/**', '*', '//', '@param', '@see', '@returns',
  '{', '}', '<', '>', '(', ')', '[', ']', ';', ',', '\n', '\r\n', '\r', '\u2028', '\u2029', '\t', '\0', '\u00a0', '\ufeff',
  'é', 'e\u0301', 'İ', 'ß', 'ﬁ', 'ƛ', 'ɤ', 'ǅ', 'Σ', '²', '½', 'Ⅻ', '①', '٣', 'ⸯ', '\ua7cb', '\u1c89', '\u0c5c', '\u088f',
  '𝒜', '𐐀', '𠀀', '😀', '👩‍💻', '🇫🇷', 'שלום', 'مرحبا', '\u202e', '\u200d', '\u200c', 'नमस्ते', '数据', 'データ', '\u0301', '\u20dd',
  '\ud800', '\udfff', 'a\ud83d', '\ud83db',
];

/** Text that must stay inside a comment: if it ever becomes code, PWNED is an identifier token. */
const BREAKOUTS = [
  '*/ declare const PWNED: number; /*',
  '*/ declare namespace PWNED {} /**',
  '*/\ndeclare var PWNED: 1;\n/*',
  '\n*/ type PWNED = 1; /*',
  '*\\/ PWNED',
  '**/ PWNED /**',
  '\u2028*/ PWNED',
  '@param PWNED',
  '@see MCP tool "PWNED"',
  '@returns The tool declares no output schema: its text result, parsed as JSON when it is JSON.',
  'Read-only: it does not change anything.',
];

const plainName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);

const oddName: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...ODD_PIECES), fc.constantFrom(...SPECIAL_NAMES), plainName), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''));

/** A server, tool, property or definition name. */
export const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: plainName },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...COLLIDING_NAMES) },
  { weight: 3, arbitrary: oddName },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', 'Ab_', '数', 'é-', 'x2'), fc.integer({ min: 60, max: 300 })).map(([unit, times]) => unit.repeat(times)) },
);

/** A description or title. */
const textArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.lorem({ maxCount: 6 }) },
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...BREAKOUTS), fc.constantFrom(...ODD_PIECES), fc.lorem({ maxCount: 2 })), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

/** Values for enum, const, default and examples: JSON only, since schemas arrive as JSON. */
const valueArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom<Json>(...ODD_PIECES, ...BREAKOUTS), fc.integer(), fc.constantFrom<Json>(0, -1, 1.5, 1e21, 1e308, -1e-7, 2 ** 53 + 2, true, false, null, { $ref: '#/nowhere' }, { $ref: 'https://example.com/x' }, { hasOwnProperty: 1, extends: 2 })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);

// ---------------------------------------------------------------------------------------------
// Schemas

/** Definition names, shared by `$defs`/`definitions` and by the `$ref`s that point into them. */
const DEFINITION_NAMES = ['Node', 'node', 'Tree', 'a/b', 'a~b', '~1', '~0/', 'Promise', 'UntypedToolResult', 'ToolError', 'AInput', 'GetUserInput', 'CodeModeSchemaRoot', '__proto__', 'constructor', '', ' ', 'λ', '2x', 'with space', '%24defs', 'x"y', '*/', 'Node2', 'Array', 'Record', 'a_input', 'get_user_input', 'AOutput'];

/** A JSON pointer segment (RFC 6901), optionally percent-encoded as in a URI fragment. */
function pointerSegment(name: string, percent: boolean): string {
  const escaped = name.replace(/~/g, '~0').replace(/\//g, '~1');
  return percent ? encodeURIComponent(escaped) : escaped;
}

const refArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('$defs', 'definitions'), fc.constantFrom(...DEFINITION_NAMES), fc.boolean()).map(([where, name, percent]) => `#/${where}/${pointerSegment(name, percent)}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '#', '#/', '#/properties/a', '#/properties/a/items', '#/$defs/missing', '#/definitions/missing/deeper', '#/definitions', '#/$defs', '#/items',
      '#/allOf/0', '#/enum/0', '#/required', '#/description', '#/$defs/Node/properties/next', '#anchor', '#/%', '#/%zz', '', 'https://example.com/s.json',
      'other.json#/x', 'file:///etc/passwd', 'urn:x:y', '#/definitions/Node/$ref', '#/properties/a_input', '#/properties/get_user_input',
    ),
  },
);

/** Keyword values of the wrong kind: a server's schema is not necessarily valid. */
const wrongArb: fc.Arbitrary<Json> = fc.constantFrom<Json>(null, 5, 'x', [], [1, 'a'], true, false, {}, { $ref: 5 });

/** The proper value mostly, a wrong one sometimes. */
function mostly<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary }, { weight: 1, arbitrary: wrongArb });
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'] as const;
const typeArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Json>(...TYPES) },
  { weight: 2, arbitrary: fc.uniqueArray(fc.constantFrom(...TYPES), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<Json>('wat', 'any', 'String', ['string', 5], 7, []) },
);

/** Odd schemas that are valid JSON but not what a generator expects. */
const strangeSchemaArb: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  true, false, {}, null, 'just a string', 42, [], [{ type: 'string' }],
  { type: 'wat' }, { type: [] }, { enum: 'x' }, { enum: [] }, { const: null }, { required: true }, { properties: null }, { items: null },
  { additionalProperties: 'x' }, { type: 'object', properties: [] }, { $ref: 5 }, { $ref: '#', type: 'string' },
  { tsType: 'any; } declare const PWNED: number; interface X {' }, { tsEnumNames: ['PWNED'], enum: [1] }, { $id: 'https://example.com/x' }, { id: 'x' },
  { extends: { $ref: '#' } }, { format: 'date-time', type: 'string' }, { type: 'string', contentMediaType: 'image/png' },
  { $schema: 'https://json-schema.org/draft/2020-12/schema', $anchor: 'x', $dynamicRef: '#x' },
  { type: 'object', additionalProperties: false, patternProperties: { '^x': { type: 'string' } } },
  { type: 'object', additionalProperties: false, properties: {}, required: ['missing'] },
  { type: 'array', items: { type: 'string' }, prefixItems: [{ type: 'number' }], additionalItems: false },
  { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: { type: 'boolean' }, minItems: 5, maxItems: 1 },
  { type: 'array', minItems: 100000 }, { type: 'array', minItems: 3, maxItems: 3, items: { enum: [1, 2] } },
  { allOf: [{ type: 'string' }, { type: 'number' }] }, { not: {} }, { not: true }, { anyOf: [] }, { oneOf: [false] },
  { type: 'string', enum: [1, 2], const: true }, { type: 'integer', const: 'x' }, { if: { type: 'string' }, then: { minLength: 1 }, else: false },
);

/** Schemas are whatever JSON a server sends; typed loosely here, since most of them are wrong on purpose. */
type SchemaArbs = {
  schema: unknown;
  leaf: unknown;
  object: unknown;
  array: unknown;
  combination: unknown;
};

const schemas = fc.letrec<SchemaArbs>((tie) => ({
  schema: fc.oneof({ depthSize: 'small', maxDepth: 5, withCrossShrink: true }, tie('leaf'), tie('object'), tie('array'), tie('combination')),
  leaf: fc.oneof(
    { weight: 4, arbitrary: fc.record({ type: typeArb, description: textArb, title: textArb, default: valueArb, format: fc.constantFrom('uri', 'date-time', 'email', ''), deprecated: fc.boolean(), nullable: fc.boolean() }, { requiredKeys: ['type'] }) },
    { weight: 2, arbitrary: fc.record({ enum: mostly(fc.array(valueArb, { maxLength: 8 })), type: typeArb, description: textArb }, { requiredKeys: ['enum'] }) },
    { weight: 1, arbitrary: fc.record({ const: valueArb, type: typeArb }, { requiredKeys: ['const'] }) },
    { weight: 3, arbitrary: fc.record({ $ref: refArb, description: textArb, type: typeArb, title: textArb }, { requiredKeys: ['$ref'] }) },
    { weight: 2, arbitrary: strangeSchemaArb },
  ),
  object: fc
    .record(
      {
        type: fc.constantFrom<Json>('object', ['object', 'null'], 'array', 'string'),
        properties: mostly(fc.dictionary(fc.oneof(nameArb, fc.constantFrom(...DEFINITION_NAMES)), tie('schema'), { maxKeys: 5 })),
        required: fc.array(fc.oneof(fc.nat(), nameArb), { maxLength: 4 }),
        additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
        patternProperties: fc.dictionary(fc.constantFrom('^x', '.*', '[', '(?<n>a)', '\\d+', '', '^\\p{L}$', '*/'), tie('leaf'), { maxKeys: 2 }),
        propertyNames: tie('leaf'),
        minProperties: fc.nat({ max: 5 }),
        description: textArb,
        title: textArb,
        default: valueArb,
        examples: fc.array(valueArb, { maxLength: 2 }),
      },
      { requiredKeys: ['properties'] },
    )
    // `required` names some of the properties (by index) and some names that are not there.
    .map(({ required = [], ...object }) => {
      const keys = typeof object.properties === 'object' && object.properties !== null && !Array.isArray(object.properties) ? Object.keys(object.properties) : [];
      const names = required.map((item) => (typeof item === 'number' ? keys[item % Math.max(keys.length, 1)] : item)).filter((name): name is string => name !== undefined);
      return required.length === 0 ? object : { ...object, required: names };
    }),
  array: fc.record(
    {
      type: fc.constantFrom<Json>('array', ['array', 'null'], 'object'),
      items: fc.oneof(tie('schema'), fc.array(tie('schema'), { maxLength: 3 })),
      prefixItems: mostly(fc.array(tie('leaf'), { maxLength: 3 })),
      additionalItems: fc.oneof(fc.boolean(), tie('leaf')),
      contains: tie('leaf'),
      minItems: fc.oneof(fc.nat({ max: 30 }), fc.constant(100000)),
      maxItems: fc.nat({ max: 30 }),
      uniqueItems: fc.boolean(),
      description: textArb,
    },
    { requiredKeys: [] },
  ),
  combination: fc.oneof(
    fc.record({ allOf: mostly(fc.array(tie('schema'), { maxLength: 3 })), type: typeArb }, { requiredKeys: ['allOf'] }),
    fc.record({ anyOf: mostly(fc.array(tie('schema'), { maxLength: 3 })), description: textArb }, { requiredKeys: ['anyOf'] }),
    fc.record({ oneOf: mostly(fc.array(tie('schema'), { maxLength: 3 })) }),
    fc.record({ not: tie('leaf'), type: typeArb }, { requiredKeys: ['not'] }),
    fc.record({ if: tie('leaf'), then: tie('leaf'), else: tie('leaf') }, { requiredKeys: ['if'] }),
    // Keywords that contradict one another.
    fc.record({ type: typeArb, enum: fc.array(valueArb, { maxLength: 4 }), const: valueArb, allOf: fc.array(tie('schema'), { maxLength: 2 }), not: tie('leaf'), items: tie('leaf'), properties: fc.dictionary(nameArb, tie('leaf'), { maxKeys: 2 }) }),
  ),
}));

const HUGE_ENUM_KINDS = ['strings', 'numbers', 'mixed', 'duplicates', 'odd'] as const;

/** An enum of thousands of values: strings, numbers, a mix of every JSON kind, duplicates, odd strings. */
function hugeEnum(size: number, kind: (typeof HUGE_ENUM_KINDS)[number]): Json[] {
  return Array.from({ length: size }, (_, i): Json => {
    switch (kind) {
      case 'strings':
        return `value-${i}`;
      case 'numbers':
        return i % 2 === 0 ? i : -i / 8;
      case 'mixed':
        return [`v${i}`, i, i % 3 === 0, null, { i }, [i]][i % 6]!;
      case 'duplicates':
        return `same-${i % 7}`;
      case 'odd':
        return `${ODD_PIECES[i % ODD_PIECES.length]}${BREAKOUTS[i % BREAKOUTS.length]}${i}`;
    }
  });
}

const hugeEnumSchemaArb: fc.Arbitrary<unknown> = fc
  .record({ size: fc.integer({ min: 1000, max: 4000 }), kind: fc.constantFrom(...HUGE_ENUM_KINDS), typed: fc.boolean() })
  .map(({ size, kind, typed }) => ({ type: 'object', properties: { pick: { ...(typed ? { type: 'string' } : {}), enum: hugeEnum(size, kind) } }, required: ['pick'] }));

const DEEP_KINDS = ['object', 'array', 'allOf', 'anyOf', 'not', 'definitions'] as const;

/** A schema nested `depth` levels deep, one keyword kind per level, cycling through the kinds from `start`. */
function deepSchema(depth: number, start: number): Json {
  let inner: Json = { type: 'string', description: 'the bottom' };
  for (let level = depth; level > 0; level--) {
    const kind = DEEP_KINDS[(start + level) % DEEP_KINDS.length]!;
    if (kind === 'object') inner = { type: 'object', properties: { [`level${level}`]: inner }, required: [`level${level}`] };
    else if (kind === 'array') inner = { type: 'array', items: inner };
    else if (kind === 'allOf') inner = { allOf: [inner] };
    else if (kind === 'anyOf') inner = { anyOf: [inner, { type: 'null' }] };
    else if (kind === 'not') inner = { type: 'object', properties: { x: inner }, not: { required: ['y'] } };
    else inner = { $ref: `#/$defs/D${level}`, $defs: { [`D${level}`]: inner } };
  }
  return { type: 'object', properties: { root: inner } };
}

const deepSchemaArb: fc.Arbitrary<unknown> = fc.record({ depth: fc.integer({ min: 20, max: 120 }), start: fc.nat({ max: DEEP_KINDS.length - 1 }) }).map(({ depth, start }) => deepSchema(depth, start));

/** The root of a tool's schema: usually an object schema with definitions its `$ref`s can reach. */
const rootSchemaArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc
      .record({ body: fc.oneof({ weight: 4, arbitrary: schemas.object }, { weight: 1, arbitrary: schemas.schema }), $defs: fc.dictionary(fc.constantFrom(...DEFINITION_NAMES), schemas.schema, { maxKeys: 3 }), definitions: fc.dictionary(fc.constantFrom(...DEFINITION_NAMES), schemas.schema, { maxKeys: 2 }) }, { requiredKeys: ['body'] })
      .map(({ body, ...definitions }) => (typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, ...definitions } : body)),
  },
  { weight: 1, arbitrary: strangeSchemaArb },
  { weight: 1, arbitrary: hugeEnumSchemaArb },
  { weight: 1, arbitrary: deepSchemaArb },
);

/** Schemas arrive as JSON: a round trip gives `__proto__` keys as own properties and drops what JSON cannot carry. */
function asJson(value: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(value)) as JsonSchema;
}

const annotationsArb: fc.Arbitrary<ToolAnnotations> = fc.record({ title: textArb, readOnlyHint: fc.boolean(), destructiveHint: fc.boolean(), idempotentHint: fc.boolean(), openWorldHint: fc.boolean() }, { requiredKeys: [] });

type ToolDraft = Omit<ToolInfo, 'server' | 'inputSchema' | 'outputSchema'> & { readonly inputSchema?: unknown; readonly outputSchema?: unknown };

const toolArb: fc.Arbitrary<ToolDraft> = fc.record(
  { name: nameArb, title: textArb, description: textArb, inputSchema: rootSchemaArb, outputSchema: rootSchemaArb, annotations: annotationsArb },
  { requiredKeys: ['name'] },
);

/** A tool with a plain schema, for catalogues of many servers. */
const simpleToolArb: fc.Arbitrary<ToolDraft> = fc.record({ name: nameArb, inputSchema: schemas.object, description: textArb }, { requiredKeys: ['name', 'inputSchema'] });

function toServer(server: string, drafts: readonly ToolDraft[]): ServerTools {
  const tools = drafts.map(({ inputSchema, outputSchema, ...rest }): ToolInfo => ({
    ...rest,
    server,
    ...(inputSchema !== undefined ? { inputSchema: asJson(inputSchema) } : {}),
    ...(outputSchema !== undefined ? { outputSchema: asJson(outputSchema) } : {}),
  }));
  return { server, tools };
}

/** One catalogue: a few servers with a few tools each (names unique per server, as MCP requires), or very many servers. */
export const toolSetArb: fc.Arbitrary<ToolSet> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.uniqueArray(fc.record({ server: nameArb, tools: fc.uniqueArray(toolArb, { selector: (tool) => tool.name, maxLength: 5 }) }), { selector: (entry) => entry.server, minLength: 1, maxLength: 3 }),
  },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(fc.record({ server: nameArb, tools: fc.uniqueArray(simpleToolArb, { selector: (tool) => tool.name, maxLength: 2 }) }), { selector: (entry) => entry.server, minLength: 15, maxLength: 40 }),
  },
).map((entries) => entries.map((entry) => toServer(entry.server, entry.tools)));

// ---------------------------------------------------------------------------------------------
// Checks

export interface FuzzStats {
  sets: number;
  servers: number;
  tools: number;
  schemas: number;
  generateMs: number;
  compileMs: number;
  /** Tools whose schemas could not be typed, so they accept any object (a documented degradation). */
  degraded: number;
}

export function emptyStats(): FuzzStats {
  return { sets: 0, servers: 0, tools: 0, schemas: 0, generateMs: 0, compileMs: 0, degraded: 0 };
}

const SCHEMA_VALUED = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'allOf', 'anyOf', 'oneOf', 'prefixItems', 'properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

/** How many schemas (objects and booleans in schema positions) a tool's schema holds. */
function countSchemas(node: unknown, depth = 0): number {
  if (typeof node === 'boolean') return 1;
  if (typeof node !== 'object' || node === null || Array.isArray(node) || depth > 200) return 0;
  let count = 1;
  for (const [key, value] of Object.entries(node)) {
    if (!SCHEMA_VALUED.has(key)) continue;
    const children = Array.isArray(value) ? value : ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'].includes(key) && typeof value === 'object' && value !== null ? Object.values(value) : [value];
    for (const child of children) count += countSchemas(child, depth + 1);
  }
  return count;
}

const short = (text: string, max = 300): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);
const show = (text: string): string => short(JSON.stringify(text), 120);

/** Why `name` is not a usable identifier for TypeScript and for a strict-mode (async) script; undefined when it is. */
export function identifierProblem(name: string): string | undefined {
  const points = Array.from(name, (ch) => ch.codePointAt(0)!);
  const typescript = points.length > 0 && ts.isIdentifierStart(points[0]!, ts.ScriptTarget.ES2022) && points.every((point) => ts.isIdentifierPart(point, ts.ScriptTarget.ES2022));
  if (!typescript) return `${show(name)} is not an identifier to TypeScript`;
  if (!/^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u.test(name)) return `${show(name)} is not an ECMAScript identifier`;
  try {
    // Only reached by identifier text, so nothing but a name can be injected here.
    new Function(`"use strict"; return async () => { let ${name}; return ${name}; };`);
  } catch {
    return `${show(name)} cannot be bound in strict-mode async code`;
  }
  return undefined;
}

/** The text of a declaration's name, for identifiers and quoted property names alike. */
function nameText(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);

interface ExpectedNamespace {
  readonly namespace: string;
  readonly server: ServerTools;
  /** Tool name → function name, as the sandbox binds them. */
  readonly functions: ReadonlyMap<string, string>;
}

/** The top-level property names of an input schema, when its input type must list them all. */
function plainProperties(schema: JsonSchema | undefined): string[] | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return undefined;
  // Combinators and references at the root make an intersection or alias rather than one interface.
  if (['allOf', 'anyOf', 'oneOf', '$ref', 'not', 'if', 'items', 'prefixItems', 'enum', 'const'].some((key) => key in schema)) return undefined;
  if ('type' in schema && schema.type !== 'object') return undefined;
  return Object.keys(properties);
}

/**
 * Checks one file's structure: only the expected namespaces (in order) holding only functions,
 * interfaces and type aliases; every name valid and unique; the functions exactly the sandbox's;
 * `lineComments` `//` comments and no other code that came from text; input types complete.
 */
function checkStructure(file: string, text: string, expected: readonly ExpectedNamespace[], lineComments: number, warnings: readonly string[]): string[] {
  const problems: string[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const statements = [...source.statements];
  const namespaces = statements.map((statement) => (ts.isModuleDeclaration(statement) ? statement.name.text : `<${ts.SyntaxKind[statement.kind]}>`));
  const wanted = expected.map((entry) => entry.namespace);
  if (JSON.stringify(namespaces) !== JSON.stringify(wanted)) problems.push(`${file}: declares ${short(JSON.stringify(namespaces), 200)}, expected ${short(JSON.stringify(wanted), 200)}`);

  for (const statement of statements) {
    if (!ts.isModuleDeclaration(statement)) continue;
    const entry = expected.find((candidate) => candidate.namespace === statement.name.text);
    if (!entry) continue;
    if (!hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) problems.push(`${file}: namespace ${entry.namespace} is not declared ambient`);
    const problem = identifierProblem(entry.namespace);
    if (problem) problems.push(`${file}: namespace ${problem}`);
    const body = statement.body && ts.isModuleBlock(statement.body) ? [...statement.body.statements] : [];
    const functions: string[] = [];
    const types = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>();
    const parameterTypes = new Map<string, string>();
    for (const member of body) {
      if (ts.isFunctionDeclaration(member)) {
        const name = member.name?.text ?? '';
        functions.push(name);
        const problem = identifierProblem(name);
        if (problem) problems.push(`${file}: function ${problem}`);
        const parameter = member.parameters[0]?.type;
        if (parameter && ts.isTypeReferenceNode(parameter)) parameterTypes.set(name, parameter.typeName.getText(source).split('.').pop()!);
      } else if (ts.isInterfaceDeclaration(member) || ts.isTypeAliasDeclaration(member)) {
        const name = member.name.text;
        if (types.has(name)) problems.push(`${file}: type ${name} is declared twice in ${entry.namespace} (interfaces would merge silently)`);
        types.set(name, member);
        if (!hasModifier(member, ts.SyntaxKind.ExportKeyword)) problems.push(`${file}: type ${name} is not exported`);
        const problem = identifierProblem(name);
        if (problem) problems.push(`${file}: type ${problem}`);
      } else {
        problems.push(`${file}: unexpected ${ts.SyntaxKind[member.kind]} in namespace ${entry.namespace}: ${short(member.getText(source), 160)}`);
      }
    }
    const bound = [...entry.functions.values()].sort();
    if (JSON.stringify([...functions].sort()) !== JSON.stringify(bound)) {
      problems.push(`${file}: functions ${short(JSON.stringify(functions.sort()), 200)} differ from the sandbox's ${short(JSON.stringify(bound), 200)}`);
    }
    // No property of an input schema may go missing from its input type (unless the tool was degraded).
    for (const tool of entry.server.tools) {
      const properties = plainProperties(tool.inputSchema);
      const fn = entry.functions.get(tool.name);
      if (!properties || !fn || warnings.some((warning) => warning.startsWith(`${tool.server}.${tool.name}: `))) continue;
      const declaration = types.get(parameterTypes.get(fn) ?? '');
      if (!declaration || !ts.isInterfaceDeclaration(declaration)) continue;
      const members = new Set(declaration.members.map((member) => nameText(member.name)));
      // A name the generator cannot type is left out, with a warning that says so.
      const missing = properties.filter((property) => !members.has(property) && !warnings.some((warning) => warning.includes(`cannot type the name ${JSON.stringify(property)}`)));
      if (missing.length > 0) problems.push(`${file}: ${entry.namespace}.${fn}'s input type lost ${short(JSON.stringify(missing), 120)}`);
    }
  }

  // Comments: only our `//` header lines, only JSDoc blocks; a text that became code shows PWNED.
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, text);
  let lines = 0;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.SingleLineCommentTrivia) lines++;
    else if (token === ts.SyntaxKind.MultiLineCommentTrivia && !scanner.getTokenText().startsWith('/**')) problems.push(`${file}: a block comment that is not JSDoc: ${show(scanner.getTokenText())}`);
    else if (token === ts.SyntaxKind.Identifier && scanner.getTokenText().includes('PWNED')) problems.push(`${file}: text escaped its comment: ${short(text.slice(Math.max(0, scanner.getTokenStart() - 80), scanner.getTokenEnd() + 40), 200)}`);
  }
  if (lines !== lineComments) problems.push(`${file}: ${lines} line comments, expected ${lineComments} (a name broke out of one?)`);
  return problems;
}

/** The code of a file (its tokens, comments left out), to compare the compact text for models with the files. */
function codeTokens(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  const tokens: string[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) tokens.push(scanner.getTokenText());
  return tokens;
}

/** Index files differ only in their references; this is one with none. */
let plainIndex: Promise<string> | undefined;
const REFERENCE = /^\/\/\/ <reference path="\.\/([^"\n]*)" \/>\n/gm;

/** What a file says when compiled as a module of its own, plus a use of every namespace and function the sandbox binds. */
function asModule(text: string, expected: readonly ExpectedNamespace[]): string {
  const uses = expected.flatMap((entry) => [...entry.functions.values()].map((fn) => `typeof ${entry.namespace}.${fn}`));
  return `${text}\ndeclare const __uses: [${uses.join(', ')}];\nexport {};\n`;
}

function sameBytes(a: GeneratedDeclarations, b: GeneratedDeclarations): string | undefined {
  const names = [...a.files.keys()];
  if (JSON.stringify(names) !== JSON.stringify([...b.files.keys()])) return `file lists differ: ${short(JSON.stringify(names), 200)} vs ${short(JSON.stringify([...b.files.keys()]), 200)}`;
  for (const name of names) {
    const left = a.files.get(name)!.split('\n');
    const right = b.files.get(name)!.split('\n');
    const line = left.findIndex((text, i) => text !== right[i]);
    if (line >= 0 || left.length !== right.length) return `${name} differs at line ${line + 1}: ${show(left[line] ?? '')} vs ${show(right[line] ?? '')}`;
  }
  if (JSON.stringify(a.warnings) !== JSON.stringify(b.warnings)) return 'warnings differ';
  return undefined;
}

/** The same catalogue in another order: servers and tools reversed. */
function reordered(set: ToolSet): ToolSet {
  return [...set].reverse().map((server) => ({ server: server.server, tools: [...server.tools].reverse() }));
}

/** Declarations may take this many characters, plus this many per character of the catalogue's JSON. */
const MAX_OUTPUT_BASE = 20_000;
const MAX_OUTPUT_FACTOR = 25;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/**
 * Generates and checks each tool set, then compiles them all as one program. Returns the
 * problems found, each naming its set (`set 3: …`); empty when every property held.
 */
export async function checkToolSets(sets: readonly ToolSet[], stats: FuzzStats = emptyStats()): Promise<string[]> {
  const problems: string[] = [];
  const program = new Map<string, string>();
  /** Namespace → the sets that declare it, for the global probe. */
  const globalNames = new Map<string, number[]>();
  plainIndex ??= generateDeclarations([]).then((generated) => generated.files.get(INDEX_FILE)!);
  const index = await plainIndex;

  for (const [i, set] of sets.entries()) {
    const label = `set ${i}`;
    stats.sets++;
    stats.servers += set.length;
    for (const server of set) {
      stats.tools += server.tools.length;
      for (const tool of server.tools) stats.schemas += countSchemas(tool.inputSchema) + countSchemas(tool.outputSchema);
    }
    const namespaces = assignIdentifiers(set.map((server) => server.server), 'namespace');
    const expected: ExpectedNamespace[] = [...set]
      .sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0))
      .map((server) => ({ namespace: namespaces.get(server.server)!, server, functions: assignIdentifiers(server.tools.map((tool) => tool.name), 'function') }));

    const started = performance.now();
    let generated: GeneratedDeclarations;
    let again: GeneratedDeclarations;
    let model: string;
    try {
      generated = await generateDeclarations(set);
      again = await generateDeclarations(reordered(set));
      const tools = reordered(set).flatMap((server) => server.tools);
      model = await declarationText(tools, namespaces);
    } catch (error) {
      problems.push(`${label}: generating threw: ${message(error)}`);
      continue;
    } finally {
      stats.generateMs += performance.now() - started;
    }
    stats.degraded += generated.warnings.filter((warning) => warning.includes('could not be turned into types')).length;

    const different = sameBytes(generated, again);
    if (different) problems.push(`${label}: not deterministic: ${different}`);

    // Declarations grow with the schemas, not faster: a model pays for every byte of them.
    const inputChars = JSON.stringify(set).length;
    const outputChars = [...generated.files.values()].reduce((sum, text) => sum + text.length, 0);
    if (outputChars > MAX_OUTPUT_BASE + MAX_OUTPUT_FACTOR * inputChars) problems.push(`${label}: ${outputChars} characters of declarations from ${inputChars} of schemas`);

    const fileNames = [...generated.files.keys()];
    const folded = new Set(fileNames.map((name) => name.toLowerCase()));
    if (folded.size !== fileNames.length) problems.push(`${label}: file names collide where case does not count: ${short(JSON.stringify(fileNames), 200)}`);
    for (const name of fileNames) {
      if (/^(con|prn|aux|nul|com\d|lpt\d)\./i.test(name)) problems.push(`${label}: ${show(name)} cannot be created on Windows`);
      if (Buffer.byteLength(name) > 255) problems.push(`${label}: a file name of ${Buffer.byteLength(name)} bytes is too long for a file system`);
    }
    const seen = new Set<string>();
    for (const entry of expected) {
      if (seen.has(entry.namespace)) problems.push(`${label}: two servers share the namespace ${entry.namespace}`);
      seen.add(entry.namespace);
      const file = `${entry.namespace}.d.ts`;
      const text = generated.files.get(file);
      if (text === undefined || file === INDEX_FILE) {
        problems.push(`${label}: no file of its own for server ${show(entry.server.server)} (${file})`);
        continue;
      }
      if (!text.startsWith(`${GENERATED_HEADER}\n`)) problems.push(`${label}: ${file} does not start with the generated header`);
      problems.push(...checkStructure(file, text, [entry], 2, generated.warnings).map((problem) => `${label}: ${problem}`));
      program.set(`set${i}/${file}`, asModule(text, [entry]));
      globalNames.set(entry.namespace, [...(globalNames.get(entry.namespace) ?? []), i]);
    }
    const references = [...(generated.files.get(INDEX_FILE) ?? '').matchAll(REFERENCE)].map((match) => match[1]);
    const wantedReferences = expected.map((entry) => `${entry.namespace}.d.ts`);
    if (JSON.stringify(references) !== JSON.stringify(wantedReferences)) problems.push(`${label}: the index references ${short(JSON.stringify(references), 200)}, expected ${short(JSON.stringify(wantedReferences), 200)}`);
    if ((generated.files.get(INDEX_FILE) ?? '').replace(REFERENCE, '').replace(/\n\n\n/, '\n\n') !== index) problems.push(`${label}: the index says more than its references`);

    const modelled = expected.filter((entry) => entry.server.tools.length > 0);
    problems.push(...checkStructure('model.d.ts', model, modelled, 0, generated.warnings).map((problem) => `${label}: ${problem}`));
    if (/^\s*\* @see MCP tool /m.test(model)) problems.push(`${label}: the model's text keeps the @see lines`);
    // Shorter comments, the same code: the model must be told the API the files declare.
    const modelCode = codeTokens(model);
    const fileCode = modelled.flatMap((entry) => codeTokens(generated.files.get(`${entry.namespace}.d.ts`) ?? ''));
    const differs = modelCode.findIndex((token, j) => token !== fileCode[j]);
    if (differs >= 0 || modelCode.length !== fileCode.length) problems.push(`${label}: the model's text declares other code than the files, from ${show(modelCode.slice(Math.max(differs, 0), Math.max(differs, 0) + 6).join(' '))}`);
    program.set(`set${i}/model.d.ts`, asModule(model, modelled));
  }

  // Each set's files are modules of their own so that sets cannot collide; the probe declares every
  // namespace globally, as the real files do, to catch clashes with the standard library and the index.
  const probeNames = [...globalNames.keys()];
  program.set(INDEX_FILE, index);
  program.set('probe.d.ts', probeNames.map((name) => `declare namespace ${name} { function __probe(): void; }`).join('\n'));
  const started = performance.now();
  const diagnostics = typeCheck(program);
  stats.compileMs += performance.now() - started;
  const lines = new Map([...program].map(([name, text]) => [name, text.split('\n')]));
  for (const diagnostic of diagnostics) {
    const where = /^([^:]+):(\d+): /.exec(diagnostic);
    const file = where?.[1] ?? '';
    const line = Number(where?.[2] ?? 0);
    const source = short(lines.get(file)?.[line - 1]?.trim() ?? '', 160);
    const set = /^set(\d+)\//.exec(file);
    const owners = set ? [Number(set[1])] : file === 'probe.d.ts' ? (globalNames.get(probeNames[line - 1] ?? '') ?? []) : [];
    const text = `does not compile: ${short(diagnostic, 300)}${source ? ` — at: ${source}` : ''}`;
    if (owners.length === 0) problems.push(text);
    for (const owner of owners) problems.push(`set ${owner}: ${text}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Bugs this fuzzing found (each was fixed; the unit test keeps these as fixed cases)

const server = (name: string, tools: readonly Omit<ToolInfo, 'server'>[]): ServerTools => ({ server: name, tools: tools.map((tool) => ({ ...tool, server: name })) });
const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'object', properties, ...extra });

/** A schema json-schema-to-typescript still throws on (an object-and-enum schema with allOf that refers back to itself), so its tool gets stand-in types. */
export const UNTYPABLE_SCHEMA: JsonSchema = object({}, { $defs: { X: { enum: [''], properties: {}, allOf: [{ properties: { a: { $ref: '#/$defs/X' } } }] } }, required: [] });

export interface FixedBug {
  /** The class of input. */
  readonly input: string;
  /** What went wrong before the fix. */
  readonly symptom: string;
  /** Where and how it was fixed. */
  readonly fix: string;
  /** A catalogue that showed it: `checkToolSets` found problems with it before the fix, or a tool lost its types. */
  readonly example: ToolSet;
}

export const FIXED_BUGS: readonly FixedBug[] = [
  {
    input: 'A quoted property name holding `*/`, with a description',
    symptom: 'the `@param args["*/ …"]` line ended the JSDoc comment: the rest of the name became code in the declaration file',
    fix: 'generate.ts: the quoted name goes through docText like every other text in a comment',
    example: [server('s', [{ name: 'inject', inputSchema: object({ '*/ declare const PWNED: number; /*': { type: 'string', description: 'a value' } }) }])],
  },
  {
    input: 'A server name with a line break (or U+2028)',
    symptom: 'the `// MCP server "…"` header comment ended at the break and the rest of the name became code',
    fix: 'schema.ts `docLine`: names in one-line comments have their line breaks replaced',
    example: [server('x\ndeclare const PWNED: number;\u2028', [{ name: 'a', inputSchema: object({}) }])],
  },
  {
    input: 'A tool named with `*/` whose schema cannot be typed',
    symptom: 'the comment on the stand-in types quoted the raw name, ending the comment: code injection through a tool name',
    fix: 'generate.ts `fallbackTypes`: the name goes through docLine',
    example: [server('s', [{ name: '*/ declare const PWNED: number; /*', inputSchema: UNTYPABLE_SCHEMA }, { name: 'fine', inputSchema: object({ a: { type: 'string' } }) }])],
  },
  {
    input: 'Names with superscripts or fractions (`x²`, `½`), U+2E2F, letters newer than Unicode 15.1 (U+A7CB, or ƛ whose capital is new), astral letters',
    symptom: 'identifiers TypeScript 5.9 cannot read: the whole declaration file stopped parsing (and no script could call the tool)',
    fix: 'naming.ts: identifier words are BMP letters, digits and combining marks that continue an identifier, minus the letters newer than the tables of TypeScript; a case change that would leave them is not made; NFC first',
    example: [server('s', [{ name: 'x²', inputSchema: object({}) }, { name: 'ɤ-get-ƛ', inputSchema: object({}) }, { name: 'get\ua7cb𝒜', inputSchema: object({}) }, { name: 'aⸯb', inputSchema: object({}) }])],
  },
  {
    input: 'A definition named with `*/`, or a pattern property with two',
    symptom: 'json-schema-to-typescript quotes definition names (unescaped) and pattern keys (only the first `*/` escaped) in comments it writes: the rest became code',
    fix: 'schema.ts `definitionName`: definitions are renamed to what the generator would make a type name of anyway (references follow the schema); pattern keys go through docText',
    example: [server('s', [{ name: 'a', inputSchema: object({ n: { $ref: '#/definitions/*~1 x' } }, { definitions: { '*/ x': { description: 'x', type: 'object', properties: { y: { type: 'string' } } } }, patternProperties: { '*/*/ declare const PWNED: 1; /*': { type: 'string' } } }) }])],
  },
  {
    input: 'Servers named `keyof`, `infer`, `readonly` or `unique`',
    symptom: 'namespace `keyof` made `args: keyof.SearchInput` a type operator: the file did not parse',
    fix: 'naming.ts: these are reserved for namespaces (`keyof_`)',
    example: [server('keyof', [{ name: 'search', inputSchema: object({}) }]), server('readonly', [{ name: 'get', inputSchema: object({}) }])],
  },
  {
    input: 'Servers named `index`, `con` or `aux`, servers whose names differ only in case once camel-cased (`my-server`, `myserver`), very long server names',
    symptom: 'server `index` overwrote index.d.ts and lost its declarations; `myServer.d.ts` and `myserver.d.ts` overwrite each other on Windows and macOS; `con.d.ts` cannot be created on Windows; a 300-character name exceeds the 255-byte file name limit',
    fix: 'naming.ts: namespaces (which name files) avoid `index` and device names, are unique ignoring case (`myserver2`), and are at most 64 characters',
    example: [server('index', [{ name: 'a', inputSchema: object({}) }]), server('my-server', []), server('myserver', []), server('aux', []), server('数'.repeat(300), [])],
  },
  {
    input: 'A nested type named like another tool\'s input type: a definition `BInput`, or a pointer into a property `b_input`, in tool `a`, next to tool `b`',
    symptom: 'the generator names the first type it meets, so tool `a`\'s nested type took `BInput` and tool `b` was silently typed with it (its own type became `BInput1`, unused)',
    fix: 'schema.ts `definitionName`: a definition named like one of the server\'s input/output types takes "Schema" after it; generate.ts `declares`: our types must be the ones the generator says came from our definitions, and a tool whose names were taken anyway is renamed (`B2Input`)',
    example: [server('s', [
      { name: 'a', inputSchema: object({ x: { $ref: '#/$defs/BInput' }, b_input: object({ q: { type: 'string' } }), y: { $ref: '#/properties/b_input' } }, { $defs: { BInput: object({ q: { type: 'string' } }) } }) },
      { name: 'b', inputSchema: object({ y: { type: 'number' } }) },
    ])],
  },
  {
    input: 'A definition named `Promise` or `UntypedToolResult`',
    symptom: 'it became a type in the server\'s namespace that hid the global one: `Promise<…>` in every function declaration failed ("Type \'Promise\' is not generic")',
    fix: 'generate.ts `globalNames`: when a schema declares one of them, the declarations name the global through `globalThis.`',
    example: [server('s', [{ name: 'a', inputSchema: object({ p: { $ref: '#/$defs/Promise' }, u: { $ref: '#/$defs/UntypedToolResult' } }, { $defs: { Promise: object({ x: { type: 'string' } }), UntypedToolResult: object({ y: { type: 'number' } }) } }) }, { name: 'b', inputSchema: object({}) }])],
  },
  {
    input: 'A property named `__proto__`',
    symptom: 'copying the schema assigned it, which set the copy\'s prototype instead: the property vanished from the input type (while `required` still asked for it)',
    fix: 'schema.ts: map entries are defined, not assigned',
    example: [server('s', [{ name: 'a', inputSchema: JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"b":{"type":"number"}},"required":["__proto__"]}') as JsonSchema }])],
  },
  {
    input: 'Two tools with a nested definition of the same name, and a third whose schema cannot be typed',
    symptom: 'falling back to one compile per tool declared `Node` twice: the interfaces merged silently (each tool\'s `Node` got the other\'s properties) or, as type aliases, clashed',
    fix: 'generate.ts `compileTypes`: the tools that can be typed are still compiled together, so shared names are declared once',
    example: [server('s', [
      { name: 'a', inputSchema: object({ n: { $ref: '#/$defs/Node' } }, { $defs: { Node: object({ a: { type: 'string' } }) } }) },
      { name: 'b', inputSchema: object({ n: { $ref: '#/$defs/Node' } }, { $defs: { Node: object({ b: { type: 'number' } }) } }) },
      { name: 'c', inputSchema: UNTYPABLE_SCHEMA },
    ])],
  },
  {
    input: '`$ref`s to missing definitions, through escaped (`~0`, `~1`, `%25`) or malformed pointers, to boolean schemas, or in a cycle of references alone (`{"$ref": "#"}`); property names with unpaired surrogates; `examples` or `const` objects with keys like `hasOwnProperty`; `minItems` above `maxItems` or fractional; `definitions` and `$defs` side by side; an anyOf with an "any value" member',
    symptom: 'json-schema-to-typescript threw (or printed to stderr, or dropped the type\'s name), and the whole tool fell back to "any object" for one bad spot',
    fix: 'schema.ts `sanitizeSchema`: references are resolved against the copy and rewritten to clean pointers (dropped with a warning when they lead nowhere or only around a cycle); only keywords the generator types are kept; lengths, types and enums are checked; `definitions` join `$defs`; "any value" members are simplified',
    example: [server('s', [
      { name: 'missing', inputSchema: object({ a: { $ref: '#/$defs/nope' }, b: { type: 'string' } }) },
      { name: 'cycle', inputSchema: object({ a: { $ref: '#/$defs/A' } }, { $defs: { A: { $ref: '#/$defs/B' }, B: { allOf: [{ $ref: '#/$defs/A' }] } } }) },
      { name: 'escaped', inputSchema: object({ a: { $ref: '#/$defs/a~1b~0c%25' } }, { $defs: { 'a/b~c%': { type: 'string' } } }) },
      { name: 'boolean', inputSchema: object({ a: { $ref: '#/$defs/T' } }, { $defs: { T: true } }) },
      { name: 'surrogate', inputSchema: object({ '\udfff': { type: 'string' }, ok: { type: 'string' } }) },
      { name: 'examples', inputSchema: object({ a: { type: 'string' } }, { examples: [{ hasOwnProperty: 1 }], const: { extends: 1 } }) },
      { name: 'lengths', inputSchema: object({ a: { type: 'array', minItems: 5, maxItems: 2 }, b: { type: 'array', minItems: 1.5 } }) },
      { name: 'both-definitions', inputSchema: object({ a: { $ref: '#/definitions/A' }, b: { $ref: '#/$defs/A' } }, { definitions: { A: { type: 'string' } }, $defs: { A: { type: 'number' } } }) },
      { name: 'any-member', outputSchema: { oneOf: [{ type: 'string' }, {}] }, inputSchema: object({}) },
    ])],
  },
  {
    input: 'An empty `type` list or `enum` in `additionalProperties` next to properties',
    symptom: 'typed as an empty union, written as `[k: string]: never`, which every property then broke: the file did not compile',
    fix: 'schema.ts: `type` keeps only JSON\'s type names, and an empty `type` or `enum` is left out',
    example: [server('s', [{ name: 'a', inputSchema: object({ a: { const: '' } }, { additionalProperties: { type: [] }, required: ['a'] }) }, { name: 'b', inputSchema: object({ a: { type: [] } }, { patternProperties: { '^x': { enum: [] } } }) }])],
  },
  {
    input: 'A `$ref` with sibling keywords (`{"$ref": "#/$defs/Foo", "description": "…"}`, or with `type`)',
    symptom: 'the resolver copied the siblings into the referenced schema itself: a property\'s description became its type\'s (for every other use of the type too), types were duplicated as `Foo1`, and with `type` next to a reference back up the tree the generator threw',
    fix: 'schema.ts: a reference with siblings becomes `allOf: [siblings…, {$ref}]`, as JSON Schema 2019-09 reads it',
    example: [server('s', [{ name: 'a', inputSchema: object({ n: { enum: [0], allOf: [{ properties: { m: { $ref: '#', type: 'string' } } }] } }) }, { name: 'b', inputSchema: object({ one: { $ref: '#/$defs/Foo', description: 'the first' }, two: { $ref: '#/$defs/Foo', description: 'the second' } }, { $defs: { Foo: object({ x: { type: 'string' } }) } }) }])],
  },
  {
    input: 'A reference cycle through allOf/anyOf members, or a tuple whose rest holds arrays of itself',
    symptom: '`type X = X & string`, `type X = [] | [unknown, ...X[][]]` or `[unknown, unknown, ...([] | [X])[]]`: "Type alias circularly references itself", the file did not compile',
    fix: 'schema.ts: such cycles are found (references, members, tuple rests) and the reference closing each is dropped with a warning',
    example: [server('s', [{ name: 'a', inputSchema: object({}), outputSchema: { $defs: { T: { items: [{}], additionalItems: { items: { $ref: '#/$defs/T' } } }, U: { items: { items: [{ $ref: '#/$defs/U' }] }, prefixItems: [1, 'a'] } }, properties: { t: { $ref: '#/$defs/T' }, u: { $ref: '#/$defs/U' } } } }, { name: 'b', inputSchema: object({ x: { $ref: '#/$defs/X' } }, { $defs: { X: { allOf: [{ $ref: '#/$defs/X', type: 'string' }] } } }) }])],
  },
  {
    input: '`minItems: 100000`, or `maxItems: 20` over an object item',
    symptom: 'a tuple of 100,000 elements (900 KB of declarations from a 30-byte schema), or a union of 21 tuples holding 210 copies of the item (225× the schema): a model pays for every byte',
    fix: 'schema.ts and generate.ts: tuples are written for lengths up to 4 (MAX_TUPLE); longer arrays are plain arrays',
    example: [server('s', [{ name: 'a', inputSchema: object({ huge: { type: 'array', minItems: 100000 }, many: { type: 'array', maxItems: 20, items: object(Object.fromEntries('abcdefgh'.split('').map((key) => [key, { type: 'string', description: `the ${key}` }]))) } }) }])],
  },
  {
    input: 'An enum value that reads like a behaviour hint (`"Read-only: it does not change anything."`)',
    symptom: 'the compact text for models shortened it like a hint in a comment: the model was told a different literal type than the tool takes',
    fix: 'generate.ts `forModel`: only doc comment lines are shortened',
    example: [server('s', [{ name: 'a', inputSchema: object({ mode: { enum: ['Read-only: it does not change anything.', 'Destructive: it may delete or overwrite data.'] } }) }])],
  },
  {
    input: 'A 2020-12 tuple: `prefixItems` with `items` for the rest',
    symptom: 'the generator knows only draft-7 `items` arrays: `[number, ...string[]]` was typed `string[]`, rejecting valid arguments',
    fix: 'schema.ts: `prefixItems` become `items` and `items` the rest (`additionalItems`)',
    example: [server('s', [{ name: 'a', inputSchema: object({ pair: { type: 'array', prefixItems: [{ type: 'number' }], items: { type: 'string' } } }) }])],
  },
  {
    input: 'A reference into an allOf (`#/allOf/0`) whose member before it becomes "any value" (a `$ref` to nothing)',
    symptom: 'the empty member was taken out of the allOf after the pointer was written, so `#/allOf/0` then named the reference\'s own holder: `type X = X`, "circularly references itself", the file did not compile (found by the stress run, seed 199914139)',
    fix: 'schema.ts: a list a reference points into keeps its members in place',
    example: [server('s', [{ name: 'delete', inputSchema: object({}), outputSchema: { type: 'string', allOf: [{ $ref: '#/$defs/Node' }, { $ref: '#/allOf/0', type: 'object' }], properties: {} } }])],
  },
];

// ---------------------------------------------------------------------------------------------
// The stress run

/** Runs `runs` batches of `batch` tool sets from `seed`; returns fast-check's verdict and the figures. */
export async function fuzz(seed: number, runs: number, batch: number, stats: FuzzStats = emptyStats(), timeLimitMs?: number): Promise<fc.RunDetails<[ToolSet[]]>> {
  const property = fc.asyncProperty(fc.array(toolSetArb, { minLength: 1, maxLength: batch, size: 'max' }), async (sets) => {
    const problems = await checkToolSets(sets, stats);
    if (problems.length > 0) throw new Error(`${problems.length} problems:\n${problems.slice(0, 8).join('\n')}`);
  });
  // The option, not fast-check's plugin of the same name: the plugin is typed for properties of `unknown` only.
  return fc.check(property, { seed, numRuns: runs, ...(timeLimitMs ? { interruptAfterTimeLimit: timeLimitMs } : {}) });
}

/** A failure, shrunk, in a few lines: the seed and path to replay it, what broke, and the catalogue that broke it. */
export function describeFailure(details: fc.RunDetails<[ToolSet[]]>): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const sets = details.counterexample?.[0] ?? [];
  const failing = [...new Set([...error.matchAll(/^set (\d+):/gm)].map((match) => Number(match[1])))];
  const culprits = failing.length > 0 ? failing.map((i) => sets[i]) : sets;
  const example = details.counterexample ? short(fc.stringify(culprits), 700) : 'none';
  return `seed ${details.seed}, path ${details.counterexamplePath ?? '?'} (after ${details.numRuns} runs, ${details.numShrinks} shrinks): ${short(error.replace(/\n/g, ' | '), 900)} — counterexample: ${example}`;
}

const ROUNDS = 4;
const RUNS_PER_ROUND = 70;
const BATCH = 16;
/** Shrinking a failure recompiles once a step; past this a round reports the smallest example so far. */
const ROUND_LIMIT_MS = 5 * 60 * 1000;

export async function schemaFuzzSection(): Promise<StressSection> {
  const started = performance.now();
  const rows: (string | number)[][] = [];
  const failures: string[] = [];
  const total = emptyStats();
  const given = Number(process.env.CODEMODE_FUZZ_SEED);
  const firstSeed = Number.isInteger(given) ? given : Date.now() % 2 ** 31;
  for (let round = 0; round < ROUNDS; round++) {
    const seed = (firstSeed + round) % 2 ** 31;
    const stats = emptyStats();
    const roundStarted = performance.now();
    const details = await fuzz(seed, RUNS_PER_ROUND, BATCH, stats, ROUND_LIMIT_MS);
    if (details.failed) failures.push(describeFailure(details));
    else if (details.interrupted) failures.push(`seed ${seed}: interrupted after ${details.numRuns} runs`);
    rows.push([seed, details.numRuns, stats.sets, stats.tools, stats.schemas, stats.degraded, formatMs(stats.generateMs), formatMs(stats.compileMs), formatMs(performance.now() - roundStarted), details.failed ? 'failed' : 'held']);
    for (const key of Object.keys(total) as (keyof FuzzStats)[]) total[key] += stats[key];
    process.stdout.write(`  seed ${seed}: ${stats.sets} tool sets, ${details.failed ? 'FAILED' : 'held'}\n`);
  }
  const body = [
    `${ROUNDS} rounds of fast-check, each ${RUNS_PER_ROUND} runs of up to ${BATCH} random catalogues, every catalogue of 1–3 servers (now and then 15–40) with up to 5 tools whose input and output schemas mix recursive, mutual, missing, escaped (\`~0\`, \`~1\`, \`%\`) and external \`$ref\`s into \`$defs\` and \`definitions\`; reserved, colliding, unicode (astral, RTL, combining, lone surrogates) and very long names; comment breakers in names and descriptions; enums of thousands of values; contradictory keywords; booleans, nulls and arrays where schemas belong; and nesting up to 120 levels. Each catalogue is generated three times (as given, reordered, and as the compact text for models) and must: not throw; give the same bytes in any order; compile under \`tsc --strict\` (one program per run, the namespaces also declared globally against the standard library); name every namespace and function as the sandbox does, with valid, unique identifiers, and files unique where case does not count; keep every text inside its comment; keep every top-level input property in the tool's own input type; tell models the same code as the files; and stay within 20 KB plus 25 characters per character of schema. A failing run is shrunk to a smallest catalogue. Replay a round with \`CODEMODE_FUZZ_SEED=<seed> npm run stress -- schemas\`.`,
    '',
    table(['seed', 'runs', 'tool sets', 'tools', 'schemas', 'degraded tools', 'generate', 'compile', 'time', 'verdict'], rows),
    '',
    `In all: ${total.sets} tool sets, ${total.servers} servers, ${total.tools} tools, ${total.schemas} schemas in ${formatMs(performance.now() - started)} (${formatMs(total.generateMs)} generating, ${formatMs(total.compileMs)} compiling). ${failures.length === 0 ? 'Every property held.' : `What did not hold (shrunk): ${failures.map((failure) => `\`${failure.replace(/`/g, "'")}\``).join('; ')}`}`,
    '',
    '"Degraded tools" are tools whose schema json-schema-to-typescript still throws on (an object-and-enum schema whose allOf refers back to it, for one): such a tool accepts any object, with a warning, and the rest of its server keeps its types. References to nothing, reference cycles, and the other inputs below no longer cost a tool its types.',
    '',
    'Bugs this fuzzing found, each fixed and kept as a fixed case in `test/unit/schema-fuzz.test.ts`:',
    '',
    table(['input', 'what went wrong', 'fix'], FIXED_BUGS.map((bug) => [bug.input, bug.symptom, bug.fix])),
  ].join('\n');
  return { title: 'Fuzzed schemas', body, failures };
}
