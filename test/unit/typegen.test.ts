// Declarations generated from real servers' schemas and from odd and hostile ones: every file must
// compile under tsc --strict, type a correct script and reject a wrong one, and be deterministic.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { McpHub } from '../../src/core/mcp/hub';
import type { ToolInfo } from '../../src/core/provider';
import { GENERATED_HEADER, generateDeclarations, groupByServer, type GeneratedDeclarations } from '../../src/core/typegen/generate';
import { EVERYTHING, FILESYSTEM, MEMORY, hubOf, stdio } from '../helpers/servers';
import { typeCheck } from '../helpers/typecheck';

function withScript(generated: GeneratedDeclarations, script: string): Map<string, string> {
  return new Map([...generated.files, ['script.ts', script]]);
}

describe('declarations for the real servers', () => {
  let hub: McpHub;
  let tools: readonly ToolInfo[];
  let generated: GeneratedDeclarations;

  before(async () => {
    hub = hubOf([stdio('filesystem', [FILESYSTEM, '/tmp']), stdio('memory', [MEMORY]), stdio('everything', [EVERYTHING, 'stdio'])]);
    tools = (await hub.catalog()).tools;
    generated = await generateDeclarations(groupByServer(tools));
  });
  after(() => hub.dispose());

  test('one file per server plus an index, all compiling under --strict', () => {
    assert.deepEqual([...generated.files.keys()].sort(), ['everything.d.ts', 'filesystem.d.ts', 'index.d.ts', 'memory.d.ts']);
    for (const text of generated.files.values()) assert.ok(text.startsWith(GENERATED_HEADER));
    assert.deepEqual(generated.warnings, []);
    assert.deepEqual(typeCheck(generated.files), []);
  });

  test('a correct script type-checks', () => {
    const script = `
      async function main(): Promise<number> {
        const file = await filesystem.readTextFile({ path: '/tmp/x', head: 3 });
        const weather = await everything.getStructuredContent({ location: 'Chicago' });
        const graph = await memory.searchNodes({ query: 'x' });
        const names: string[] = graph.entities.map((entity) => entity.name);
        const sum = await everything.getSum({ a: 1, b: 2 });
        try { await filesystem.writeFile({ path: '/tmp/y', content: 'z' }); } catch (error) { if (error instanceof ToolError) console.warn(error.server, error.tool); }
        console.log(sum, names.length);
        return file.content.length + weather.temperature;
      }
      void main();`;
    assert.deepEqual(typeCheck(withScript(generated, script)), []);
  });

  test('a wrong script is rejected: the types are not any', () => {
    const script = `
      async function main() {
        await everything.getSum({ a: 'one', b: 2 });
        await everything.getStructuredContent({ location: 'Paris' });
        const weather = await everything.getStructuredContent({ location: 'Chicago' });
        const text: string = weather.temperature;
        await filesystem.readTextFile({ file: '/tmp/x' });
        await memory.nope();
        return text;
      }
      void main();`;
    const errors = typeCheck(withScript(generated, script));
    assert.equal(errors.length, 5, errors.join('\n'));
    assert.match(errors.join('\n'), /Type 'string' is not assignable to type 'number'/);
    assert.match(errors.join('\n'), /"Paris"/);
    assert.match(errors.join('\n'), /Property 'nope' does not exist on type 'typeof memory'/);
  });

  test('docs carry the description, per-parameter docs, defaults, annotations and the original name', () => {
    const text = generated.files.get('filesystem.d.ts')!;
    assert.match(text, /Read the complete contents of a file from the file system as text/);
    assert.match(text, /@param \[args\.head\] If provided, returns only the first N lines of the file/);
    assert.match(text, /@param \[args\.excludePatterns\] \(default: \[\]\)/);
    assert.match(text, /Read-only: it does not change anything\./);
    assert.match(text, /Destructive: it may delete or overwrite data\./);
    assert.match(text, /@see MCP tool "read_text_file" on server "filesystem", called as filesystem\.readTextFile/);
    assert.match(generated.files.get('everything.d.ts')!, /function getSum\(args: everything\.GetSumInput\): Promise<UntypedToolResult>;/);
  });

  test('namespaces a provider assigned are kept, so a subset of servers is named as scripts call it', async () => {
    const some = await generateDeclarations(groupByServer(tools.filter((tool) => tool.server === 'memory')), new Map([['memory', 'memory2']]));
    assert.ok(some.files.has('memory2.d.ts'));
    assert.match(some.files.get('memory2.d.ts')!, /declare namespace memory2 \{/);
  });

  test('the same tools give the same bytes, in whatever order they arrive', async () => {
    const again = await generateDeclarations(groupByServer([...tools].reverse()));
    assert.deepEqual([...again.files.keys()].sort(), [...generated.files.keys()].sort());
    for (const [name, text] of generated.files) assert.equal(again.files.get(name), text, name);
  });
});

const tool = (name: string, inputSchema: unknown, extra: Partial<ToolInfo> = {}): ToolInfo => ({ server: 'odd-server', name, inputSchema: inputSchema as ToolInfo['inputSchema'], ...extra });

describe('odd and hostile schemas', () => {
  const odd: ToolInfo[] = [
    tool('recursive', { type: 'object', properties: { node: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } }, value: { type: 'string' } } } } }),
    tool('self-ref', { type: 'object', properties: { child: { $ref: '#' } } }),
    tool('external-ref', { type: 'object', properties: { remote: { $ref: 'https://example.com/schema.json' } } }),
    tool('ts-type-injection', { type: 'object', properties: { x: { type: 'string', tsType: 'any; } declare const pwned: number; interface X {' } } }),
    tool('delete', { type: 'object', properties: {} }),
    tool('class', {}),
    tool('2fa-verify', { type: 'object', properties: { 'content-type': { type: 'string' }, 'with space': { type: 'number' }, '*/': { type: 'boolean' } } }),
    tool('get_user', { type: 'object' }),
    tool('get-user', { type: 'object' }),
    tool('getUser', { type: 'object' }),
    tool('ünïcödé-tööl', { type: 'object', properties: { 'naïve': { type: 'string' } } }),
    tool('comment-breaker', { type: 'object', properties: { a: { type: 'string', description: 'ends a comment */ and starts one /* here' } } }, { description: 'Closes the doc */ early.' }),
    tool('huge-enum', { type: 'object', properties: { pick: { enum: Array.from({ length: 1000 }, (_, i) => `value-${i}`) } } }),
    tool('conflicting', { type: 'object', properties: { v: { type: ['string', 'number'], enum: [1, 'a', null], minimum: 5, maxLength: 2 } } }),
    tool('invalid-keywords', { type: 'wat', properties: [], items: 5, required: 'yes' }),
    tool('not-an-object', 'just a string'),
    tool('boolean-schemas', { type: 'object', properties: { anything: true, nothing: false } }),
    tool('index-signatures', { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } }, open: { type: 'object', additionalProperties: true } } }),
    tool('no-input', undefined),
    tool('titled', { title: 'OddServerTitledInput', type: 'object', properties: { x: { title: 'Titled', type: 'object', properties: { y: { type: 'string' } } } } }),
    tool('deep', JSON.parse(`${'{"type":"object","properties":{"a":'.repeat(60)}{"type":"string"}${'}}'.repeat(60)}`)),
    tool('with-output', { type: 'object' }, { outputSchema: { type: 'object', properties: { rows: { type: 'array', items: { $ref: '#/definitions/Row' } } }, required: ['rows'], definitions: { Row: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } } } }),
  ];
  let generated: GeneratedDeclarations;
  before(async () => {
    generated = await generateDeclarations([{ server: 'odd-server', tools: odd }, { server: 'console', tools: [tool('log', {})] }]);
  });

  test('everything compiles under --strict', () => {
    assert.deepEqual(typeCheck(generated.files), []);
  });

  test('identifiers are unique and valid; collisions and reserved words resolve deterministically', () => {
    const text = generated.files.get('oddServer.d.ts')!;
    const functions = [...text.matchAll(/^ {2}function (\S+)\(/gm)].map((match) => match[1]!);
    assert.equal(new Set(functions).size, odd.length);
    for (const name of functions) assert.match(name, /^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u);
    assert.ok(functions.includes('delete_') && functions.includes('class_') && functions.includes('_2faVerify'));
    assert.ok(functions.includes('getUser') && functions.includes('getUser2') && functions.includes('getUser3'));
    assert.ok(generated.files.has('console_.d.ts'), 'a server named like a global gets a safe namespace');
  });

  test('nothing from a schema can inject code or fetch anything', () => {
    const text = generated.files.get('oddServer.d.ts')!;
    assert.doesNotMatch(text, /pwned/);
    assert.doesNotMatch(text, /ends a comment \*\//);
    assert.match(generated.warnings.join('\n'), /odd-server\.external-ref input schema: the \$ref "https:\/\/example\.com\/schema\.json" points outside the schema and is not fetched/);
    assert.match(generated.warnings.join('\n'), /odd-server\.deep input schema: nested deeper than 48 levels/);
  });

  test('a script using the odd tools type-checks, and misuse does not', () => {
    const good = `async function main() {
      const out = await oddServer.withOutput();
      const ids: number[] = out.rows.map((row) => row.id);
      await oddServer.recursive({ node: { value: 'a', children: [{ value: 'b' }] } });
      await oddServer.indexSignatures({ labels: { a: 'b' }, open: { any: 1 } });
      await oddServer.huge_enum_does_not_exist;
      return ids;
    }`;
    const errors = typeCheck(withScript(generated, good.replace('await oddServer.huge_enum_does_not_exist;\n', '')));
    assert.deepEqual(errors, []);
    const bad = typeCheck(withScript(generated, `async function main() { await oddServer.hugeEnum({ pick: 'value-1000' }); await oddServer.indexSignatures({ labels: { a: 1 } }); }`));
    assert.equal(bad.length, 2, bad.join('\n'));
  });
});
