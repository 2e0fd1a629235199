// Fuzzed schemas: random and adversarial catalogues through the declaration generator, checked by
// test/stress/schemaFuzz.ts (which `npm run stress` runs at a larger scale, from a fresh seed),
// and the bugs that fuzzing found, kept as fixed cases.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assignIdentifiers, camelIdentifier } from '../../src/core/naming';
import type { ToolInfo } from '../../src/core/provider';
import { generateDeclarations, type GeneratedDeclarations } from '../../src/core/typegen/generate';
import { typeCheck } from '../helpers/typecheck';
import { checkToolSets, describeFailure, emptyStats, FIXED_BUGS, fuzz, identifierProblem, UNTYPABLE_SCHEMA, type ToolSet } from '../stress/schemaFuzz';

/** Fixed, so that a failure here replays; the stress run draws a fresh seed each time. */
const SEED = 8_2025;
const RUNS = 24;
const BATCH = 12;

const untyped = (generated: GeneratedDeclarations): string[] => generated.warnings.filter((warning) => warning.includes('could not be turned into types'));

describe('fuzzed schemas', () => {
  test(`${RUNS} runs of up to ${BATCH} random catalogues: no throw, deterministic, valid and unique names, comments hold, compiles under --strict`, async (t) => {
    const stats = emptyStats();
    const details = await fuzz(SEED, RUNS, BATCH, stats);
    t.diagnostic(`seed ${SEED}: ${stats.sets} catalogues, ${stats.tools} tools, ${stats.schemas} schemas; ${Math.round(stats.generateMs)} ms generating, ${Math.round(stats.compileMs)} ms compiling`);
    assert.ok(!details.failed, describeFailure(details));
    assert.ok(stats.sets >= RUNS, `only ${stats.sets} catalogues were checked`);
    // Some schemas are typed leniently or not at all, but a tool losing its types stays rare.
    assert.ok(stats.degraded <= stats.tools / 50, `${stats.degraded} of ${stats.tools} tools lost their types`);
  });
});

describe('bugs the fuzzing found, as fixed cases', () => {
  const sets: ToolSet[] = FIXED_BUGS.map((bug) => bug.example);
  let problems: string[] = [];
  const generated: GeneratedDeclarations[] = [];
  before(async () => {
    // One program for all of them, as the fuzzing does.
    problems = await checkToolSets(sets);
    for (const set of sets) generated.push(await generateDeclarations(set));
  });

  for (const [i, bug] of FIXED_BUGS.entries()) {
    test(bug.input, () => {
      assert.deepEqual(problems.filter((problem) => problem.startsWith(`set ${i}:`)), [], bug.symptom);
      // Every tool keeps its types, but for the one whose schema is there to be untypable.
      const expected = bug.example.flatMap((server) => server.tools.filter((tool) => tool.inputSchema === UNTYPABLE_SCHEMA).map((tool) => `${tool.server}.${tool.name}`));
      const warnings = untyped(generated[i]!);
      assert.equal(warnings.length, expected.length, warnings.join('\n'));
      for (const label of expected) assert.ok(warnings.some((warning) => warning.startsWith(`${label}: its schema could not`)), label);
    });
  }
  test('no problem belongs to no catalogue', () => {
    assert.deepEqual(problems.filter((problem) => !problem.startsWith('set ')), []);
  });

  const file = (bug: number, name = 's.d.ts'): string => generated[bug]!.files.get(name) ?? '';
  const bugAbout = (words: string): number => FIXED_BUGS.findIndex((bug) => bug.input.includes(words));

  test('a property named __proto__ is in the input type, required as the schema says', () => {
    assert.match(file(bugAbout('__proto__')), /^ {4}__proto__: string$/m);
  });

  test("a $ref's sibling description documents the property, not the referenced type", () => {
    const text = file(bugAbout('sibling keywords'));
    assert.match(text, /\* the first\n\s*\*\/\n\s*one\?: Foo\n/);
    assert.match(text, /\* the second\n\s*\*\/\n\s*two\?: Foo\n/);
    assert.match(text, /\n\s*export interface Foo \{\n\s*x\?: string\n\s*\}/);
    assert.doesNotMatch(text, /Foo1/);
  });

  test('a 2020-12 tuple takes its prefix and then its items', () => {
    const declarations = generated[bugAbout('prefixItems')]!;
    const script = (pair: string): Map<string, string> => new Map([...declarations.files, ['script.ts', `void s.a({ pair: ${pair} });`]]);
    assert.deepEqual(typeCheck(script(`[1, 'x', 'y']`)), []);
    assert.equal(typeCheck(script(`['x']`)).length, 1);
  });

  test('long tuples stay short', () => {
    const text = file(bugAbout('minItems: 100000'));
    assert.match(text, /huge\?: unknown\[\]/);
    assert.ok(text.length < 3000, `${text.length} characters`);
  });

  test('a definition named Promise leaves the global Promise reachable', () => {
    assert.match(file(bugAbout('named `Promise`')), /function a\(args\?: s\.AInput\): globalThis\.Promise<globalThis\.UntypedToolResult>;/);
  });

  test('a schema the generator cannot type degrades only its own tool, and its name stays in the comment', () => {
    const declarations = generated[bugAbout('named with `*/`')]!;
    assert.deepEqual(untyped(declarations).length, 1);
    assert.match(file(bugAbout('named with `*/`')), /The input schema of \*\\\/ declare const PWNED: number; \/\* could not be turned into types/);
  });
});

describe('identifiers for odd names', () => {
  test('names keep their letters and marks, in NFC, and lose what TypeScript cannot read', () => {
    assert.equal(camelIdentifier('नमस्ते_दुनिया'), 'नमस्तेदुनिया');
    assert.equal(camelIdentifier('cafe\u0301-list'), camelIdentifier('café-list'));
    assert.equal(camelIdentifier('café-list'), 'caféList');
    assert.equal(camelIdentifier('x²'), 'x');
    assert.equal(camelIdentifier('½'), 'unnamed');
    assert.equal(camelIdentifier('ƛ-ƛ'), 'ƛƛ', "ƛ's capital is newer than TypeScript, so it stays small");
    assert.equal(camelIdentifier('𝒜𝒷'), 'unnamed');
    for (const name of ['x²', 'ɤ-get-ƛ', 'get\ua7cb', 'aⸯb', '\u0301abc', '2fa', '😀', '\ud800x', 'ǅungla']) {
      assert.equal(identifierProblem(camelIdentifier(name)), undefined, name);
    }
  });

  test('namespaces avoid type operators and file names that clash, ignoring case', () => {
    const ids = assignIdentifiers(['keyof', 'index', 'INDEX', 'con', 'my-server', 'myserver', 'MyServer'], 'namespace');
    assert.deepEqual(Object.fromEntries(ids), { keyof: 'keyof_', index: 'index_', INDEX: 'index_2', con: 'con_', myserver: 'myserver', MyServer: 'myServer2', 'my-server': 'myServer3' });
    assert.equal(assignIdentifiers(['keyof'], 'function').get('keyof'), 'keyof', 'a function may be named keyof');
    assert.equal(assignIdentifiers(['数'.repeat(300)], 'namespace').get('数'.repeat(300)), '数'.repeat(64));
  });

  test('tool names that collide once sanitised get distinct functions the sandbox binds the same way', async () => {
    const tools: ToolInfo[] = ['get_user', 'get-user', 'getUser', 'GET_USER', 'get user', 'get.user'].map((name) => ({ server: 's', name, inputSchema: { type: 'object' } }));
    const generated = await generateDeclarations([{ server: 's', tools }]);
    const functions = [...(generated.files.get('s.d.ts') ?? '').matchAll(/^ {2}function (\S+)\(/gm)].map((match) => match[1]);
    assert.deepEqual(functions.sort(), [...assignIdentifiers(tools.map((tool) => tool.name), 'function').values()].sort());
    assert.equal(new Set(functions).size, tools.length);
  });
});
