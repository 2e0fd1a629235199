// OpenAPI sources against a real HTTP server (node:http on a free port) serving a real OpenAPI
// document, YAML and JSON: scripts call its operations through the engine and the hub, the
// declarations compile under --strict, the API key never reaches a script, a log or a
// declaration, and no request leaves the allowed hosts.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/core/config/load';
import type { ConnectionOptions } from '../../src/core/mcp/connection';
import { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { createSources } from '../../src/core/sources/create';
import { HostRule } from '../../src/core/sources/openapi/http';
import { generateDeclarations, groupByServer } from '../../src/core/typegen/generate';
import { freePort } from '../helpers/ports';
import { ROOT } from '../helpers/root';
import { typeCheck } from '../helpers/typecheck';

const SECRET = 'sk-test-4f9a2c1e77d0';
const SPEC_YAML = readFileSync(path.join(ROOT, 'test/fixtures/openapi/petstore.yaml'), 'utf8');
const runner = new ScriptRunner();
const hubs: McpHub[] = [];

/** What the server saw: method, URL and the API key header of each request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly key: string | undefined;
  readonly requestId: string | undefined;
  readonly body: string;
}

let port: number;
let server: Server;
const seen: Seen[] = [];
const pets = [
  { id: 1, name: 'Tom', tag: 'cat' },
  { id: 2, name: 'Rex', tag: 'dog' },
  { id: 3, name: 'Nemo', tag: null },
];

function specFor(servedPort: number): string {
  return SPEC_YAML.replace('default: "8080"', `default: "${servedPort}"`);
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
  const key = request.headers['x-api-key'] as string | undefined;
  seen.push({ method: request.method ?? '', url: request.url ?? '', key, requestId: request.headers['x-request-id'] as string | undefined, body });
  if (url.pathname === '/spec.yaml') return send(response, 200, specFor(port), 'application/yaml');
  if (url.pathname === '/spec.json') return send(response, 200, JSON.stringify(parseYaml(specFor(port))), 'application/json');
  if (url.pathname === '/spec-elsewhere') {
    response.writeHead(302, { location: `http://localhost:${port}/spec.yaml` });
    return void response.end();
  }
  if (!url.pathname.startsWith('/v1/')) return send(response, 404, { message: 'not here' });
  if (key !== SECRET) return send(response, 401, { message: 'missing or wrong API key' });
  const route = url.pathname.slice(3);
  if (route === '/pets' && request.method === 'GET') {
    const tags = url.searchParams.getAll('tag');
    const limit = Number(url.searchParams.get('limit') ?? 100);
    return send(response, 200, pets.filter((pet) => tags.length === 0 || tags.includes(pet.tag ?? '')).slice(0, limit));
  }
  if (route === '/pets' && request.method === 'POST') {
    if (request.headers['content-type'] !== 'application/json') return send(response, 415, { message: 'JSON only' });
    return send(response, 201, { id: 4, ...(JSON.parse(body) as object) });
  }
  const pet = /^\/pets\/(\d+)$/.exec(route);
  if (pet) {
    const found = pets.find((candidate) => candidate.id === Number(pet[1]));
    return found ? send(response, 200, found) : send(response, 404, { message: `pet ${pet[1]} not found` });
  }
  if (route === '/tree') return send(response, 200, { name: 'Tom', children: [{ name: 'Kitten', children: [] }] });
  if (route.startsWith('/files/')) return send(response, 200, { url: request.url });
  if (route === '/boom') return send(response, 500, 'internal error: the database is on fire', 'text/plain');
  if (route === '/whoami') return send(response, 200, { key, note: `you sent ${key}` });
  if (route === '/moved') {
    response.writeHead(302, { location: `http://localhost:${port}/v1/whoami` });
    return void response.end();
  }
  if (route === '/health') return send(response, 200, 'ok', 'text/plain');
  return send(response, 404, { message: `no route ${route}` });
}

before(async () => {
  port = await freePort();
  server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 599, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});

after(async () => {
  runner.dispose();
  await Promise.all(hubs.map((hub) => hub.dispose()));
  await new Promise((resolve) => server.close(resolve));
});

/** A hub over the OpenAPI sources of an mcp.json text, with the API key as an input answer. */
function hubFor(configText: string, folder: string, logs: string[] = []): McpHub {
  const config = parseConfig(configText, path.join(folder, '.vscode/mcp.json'));
  assert.deepEqual(config.issues.filter((issue) => issue.severity === 'error'), []);
  const options: ConnectionOptions = {
    variables: { workspaceFolder: folder, env: process.env, inputs: config.inputs, input: async () => SECRET },
    roots: () => [],
    startupTimeoutMs: 10_000,
    clientVersion: 'test',
    onLog: (source, level, text) => logs.push(`${source} ${level} ${text}`),
  };
  const hub = new McpHub(config.servers, options, createSources(config, options));
  hubs.push(hub);
  return hub;
}

function run(hub: McpHub, code: string): Promise<RunResult> {
  return runner.run({ code, provider: hub, limits: {}, source: 'test' });
}

function workspace(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'codemode-openapi-'));
  writeFileSync(path.join(folder, 'petstore.yaml'), specFor(port));
  writeFileSync(path.join(folder, 'petstore.json'), JSON.stringify(parseYaml(specFor(port)), null, 2));
  return folder;
}

const config = (spec: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ inputs: [{ id: 'api-key', type: 'promptString', password: true }], openapi: { petstore: { spec, headers: { 'x-api-key': '${input:api-key}' }, ...extra } } });

describe('an OpenAPI source from a YAML file', () => {
  let folder: string;
  let hub: McpHub;
  const logs: string[] = [];
  before(() => {
    folder = workspace();
    hub = hubFor(config('petstore.yaml'), folder, logs);
  });

  test('every operation is a tool with its description, schemas and annotations', async () => {
    const { tools, unavailable } = await hub.catalog();
    assert.deepEqual(unavailable, []);
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['boom', 'createPet', 'getFile', 'getPet', 'getTree', 'get_health', 'listPets', 'moved', 'whoami']);
    const list = tools.find((tool) => tool.name === 'listPets')!;
    assert.equal(list.server, 'petstore');
    assert.match(list.description!, /^List pets\n\nPets in the store, optionally filtered by tag\.\n\nGET \/pets$/);
    assert.deepEqual(list.annotations, { readOnlyHint: true });
    assert.deepEqual(Object.keys((list.inputSchema as { properties: object }).properties), ['limit', 'tag', 'X-Request-Id'], 'the configured x-api-key header is not asked of scripts');
    const create = tools.find((tool) => tool.name === 'createPet')!;
    assert.equal(create.annotations, undefined);
    assert.deepEqual((create.inputSchema as { required: string[] }).required, ['body']);
    assert.equal(hub.status()[0]!.type, 'openapi');
  });

  test('a script lists, reads, creates, and gets errors as ToolErrors', async () => {
    seen.length = 0;
    const result = await run(
      hub,
      `const cats = await petstore.listPets({ limit: 5, tag: ['cat', 'dog'], 'X-Request-Id': 'req-1' });
       const one = await petstore.getPet({ petId: 2 });
       const made = await petstore.createPet({ body: { name: 'Rex "the; dog"', tag: null } });
       const tree = await petstore.getTree();
       const health = await petstore.getHealth();
       const errors = [];
       for (const call of [() => petstore.getPet({ petId: 99 }), () => petstore.boom(), () => petstore.getPet({}), () => petstore.getPet({ petId: 1, extra: true })]) {
         try { await call(); } catch (e) { errors.push([e.name, e.tool, e.message]); }
       }
       return { names: cats.map((pet) => pet.name), one: one.name, made, tree: tree.children[0].name, health, errors };`,
    );
    assert.equal(result.ok, true, result.error?.message);
    const value = result.result as { names: string[]; one: string; made: unknown; tree: string; health: string; errors: string[][] };
    assert.deepEqual(value.names, ['Tom', 'Rex']);
    assert.equal(value.one, 'Rex');
    assert.deepEqual(value.made, { id: 4, name: 'Rex "the; dog"', tag: null });
    assert.equal(value.tree, 'Kitten');
    assert.equal(value.health, 'ok');
    assert.deepEqual(value.errors.map(([name, tool]) => [name, tool]), [
      ['ToolError', 'getPet'],
      ['ToolError', 'boom'],
      ['ToolError', 'getPet'],
      ['ToolError', 'getPet'],
    ]);
    assert.match(value.errors[0]![2]!, /failed: HTTP 404 Not Found: \{"message":"pet 99 not found"\}$/);
    assert.match(value.errors[1]![2]!, /failed: HTTP 500 Internal Server Error: internal error: the database is on fire$/);
    assert.match(value.errors[2]![2]!, /the argument "petId" is required/);
    assert.match(value.errors[3]![2]!, /unknown argument "extra"; expected "petId"/);
    // What arrived: query serialised (form, exploded), header parameter, JSON body, the key every time.
    assert.equal(seen[0]!.url, '/v1/pets?limit=5&tag=cat&tag=dog');
    assert.equal(seen[0]!.requestId, 'req-1');
    assert.equal(seen[2]!.method, 'POST');
    assert.deepEqual(JSON.parse(seen[2]!.body), { name: 'Rex "the; dog"', tag: null });
    assert.ok(seen.every((request) => request.key === SECRET));
    assert.equal(seen.length, 7, 'arguments that fail their checks send nothing');
  });

  test('the API key never reaches the script, the trace or the logs', async () => {
    const result = await run(hub, `const me = await petstore.whoami(); console.log(JSON.stringify(me)); return me;`);
    assert.equal(result.ok, true, result.error?.message);
    assert.deepEqual(result.result, { key: '[redacted]', note: 'you sent [redacted]' });
    assert.doesNotMatch(JSON.stringify(result), new RegExp(SECRET));
    assert.doesNotMatch(logs.join('\n'), new RegExp(SECRET));
  });

  test('declarations compile under --strict, are typed, and hold no URL or key', async () => {
    const { tools } = await hub.catalog();
    const generated = await generateDeclarations(groupByServer(tools));
    assert.deepEqual(generated.warnings, []);
    const text = [...generated.files.values()].join('\n');
    assert.doesNotMatch(text, new RegExp(`${SECRET}|127\\.0\\.0\\.1|x-api-key`));
    assert.deepEqual(typeCheck(generated.files), []);
    const good = `
      async function main(): Promise<string> {
        const pets = await petstore.listPets({ limit: 1, tag: ['cat'] });
        const made = await petstore.createPet({ body: { name: 'x', tag: null } });
        const tree = await petstore.getTree();
        const depth: string = tree.children[0]!.children[0]!.name;
        return pets[0]!.name + made.id.toFixed() + depth;
      }
      void main();`;
    assert.deepEqual(typeCheck(new Map([...generated.files, ['script.ts', good]])), []);
    const bad = `
      async function main() {
        await petstore.getPet({ petId: 'one' });
        await petstore.createPet({});
        const pet = await petstore.getPet({ petId: 1 });
        const wrong: string = pet.id;
        return wrong;
      }
      void main();`;
    assert.equal(typeCheck(new Map([...generated.files, ['script.ts', bad]])).length, 3);
  });
});

describe('the same API from JSON and from a URL', () => {
  test('a JSON spec file works the same', async () => {
    const hub = hubFor(config('petstore.json'), workspace());
    const result = await run(hub, 'return (await petstore.getPet({ petId: 1 })).name');
    assert.equal(result.result, 'Tom', result.error?.message);
  });

  test('a spec from a URL (YAML and JSON), its servers used as the base URL', async () => {
    for (const file of ['spec.yaml', 'spec.json']) {
      const hub = hubFor(config(`http://127.0.0.1:${port}/${file}`), workspace());
      const result = await run(hub, 'return (await petstore.listPets({ tag: ["dog"] })).map((pet) => pet.id)');
      assert.deepEqual(result.result, [2], `${file}: ${result.error?.message}`);
    }
  });

  test('the operations filter keeps only the named operations', async () => {
    const hub = hubFor(config('petstore.yaml', { operations: ['getPet', 'listPets', 'nope'] }), workspace());
    const { tools } = await hub.catalog();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['getPet', 'listPets']);
  });
});

describe('only allowed hosts are called', () => {
  test('path parameters cannot leave the operation path', async () => {
    const hub = hubFor(config('petstore.yaml'), workspace());
    seen.length = 0;
    const result = await run(
      hub,
      `const out = [];
       for (const name of ['../../evil', '//evil.example/x', 'a b;c?d#e', '..', '.', '%2e%2e']) {
         try { out.push((await petstore.getFile({ name })).url) } catch (e) { out.push('refused: ' + e.message) }
       }
       return out;`,
    );
    const urls = result.result as string[];
    assert.deepEqual(urls.slice(0, 3), ['/v1/files/..%2F..%2Fevil', '/v1/files/%2F%2Fevil.example%2Fx', '/v1/files/a%20b%3Bc%3Fd%23e']);
    assert.match(urls[3]!, /^refused: .*the path parameter "name" cannot be "\.\."/);
    assert.match(urls[4]!, /^refused: .*cannot be "\."/);
    assert.equal(urls[5], '/v1/files/%252e%252e');
    assert.ok(seen.every((request) => request.url.startsWith('/v1/files/')));
  });

  test('a redirect to a host that is not allowed is refused, and allowHosts allows it', async () => {
    const refused = hubFor(config('petstore.yaml'), workspace());
    const result = await run(refused, 'return await petstore.moved()');
    assert.equal(result.ok, false);
    assert.match(result.error!.message, new RegExp(`refused to call http://localhost:${port}: only 127\\.0\\.0\\.1:${port} may be called`));
    const allowed = hubFor(config('petstore.yaml', { allowHosts: ['localhost'] }), workspace());
    seen.length = 0;
    const followed = await run(allowed, 'return await petstore.moved()');
    // Followed, but the key was configured for 127.0.0.1: it is not sent to another origin, even an allowed one.
    assert.match(followed.error!.message, /HTTP 401 Unauthorized: \{"message":"missing or wrong API key"\}/);
    assert.deepEqual(seen.map((request) => [request.url, request.key]), [
      ['/v1/moved', SECRET],
      ['/v1/whoami', undefined],
    ]);
  });

  test('a spec whose servers point elsewhere is called only there; baseUrl overrides it', async () => {
    const folder = workspace();
    writeFileSync(path.join(folder, 'elsewhere.yaml'), specFor(port).replace('http://127.0.0.1:{port}/v1', 'http://localhost:{port}/v1'));
    seen.length = 0;
    const viaServers = hubFor(config('elsewhere.yaml'), folder);
    assert.equal((await run(viaServers, 'return (await petstore.getPet({ petId: 3 })).name')).result, 'Nemo');
    assert.match(seen[0]!.url, /^\/v1\/pets\/3$/);
    const viaBase = hubFor(config('elsewhere.yaml', { baseUrl: `http://127.0.0.1:${port}/v1` }), folder);
    assert.equal((await run(viaBase, 'return (await petstore.getPet({ petId: 1 })).name')).result, 'Tom');
  });

  test('the spec download obeys the rule too: a redirect to another host is refused', async () => {
    const logs: string[] = [];
    const hub = hubFor(config(`http://127.0.0.1:${port}/spec-elsewhere`), workspace(), logs);
    const { unavailable } = await hub.catalog();
    assert.match(unavailable[0]!.reason, new RegExp(`failed to start: refused to call http://localhost:${port}`));
    const result = await run(hub, 'return await petstore.getPet({ petId: 1 })');
    assert.match(result.error!.message, /Server "petstore" is unavailable/);
  });

  test('an unreachable API fails the call with the reason, quickly', async () => {
    const closed = await freePort();
    const hub = hubFor(config('petstore.yaml', { baseUrl: `http://127.0.0.1:${closed}/v1` }), workspace());
    const result = await run(hub, 'return await petstore.getPet({ petId: 1 })');
    assert.match(result.error!.message, new RegExp(`the request to 127\\.0\\.0\\.1:${closed} failed: ECONNREFUSED`));
  });
});

describe('the host allow-list', () => {
  test("a server URL allows its own port only (the scheme's default when it names none); an allowHosts name without a port allows any", () => {
    const rule = HostRule.of([new URL('https://api.example/v1'), new URL('http://[::1]:8080/')], ['Files.Example', 'other.example:8443']);
    for (const url of ['https://api.example/x', 'https://API.example:443/x', 'http://[::1]:8080/', 'https://files.example:9999/', 'https://other.example:8443/']) assert.equal(rule.allows(new URL(url)), true, url);
    for (const url of ['https://api.example:8443/x', 'http://api.example/x', 'http://[::1]:8081/', 'https://other.example/', 'ftp://files.example/', 'https://api.example.evil/']) assert.equal(rule.allows(new URL(url)), false, url);
    assert.equal(new HostRule(['api.example:443']).allows(new URL('https://api.example/')), true);
  });
});

describe('OpenAPI configuration', () => {
  test('a name shared with a server is an error naming both places', () => {
    const text = '{\n  "servers": { "api": { "command": "x" } },\n  "openapi": {\n    "api": { "spec": "a.yaml" }\n  }\n}';
    const { issues, sources } = parseConfig(text, 'mcp.json');
    assert.deepEqual(sources, []);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /"api" is already defined at servers\.api \(line 2\)/);
    assert.deepEqual([issues[0]!.location.path, issues[0]!.location.line], ['openapi.api', 4]);
  });

  test('bad fields are reported where they are', () => {
    const { issues } = parseConfig('{ "openapi": { "a": { "spec": "ftp://x/y" }, "b": { "spec": "s.yaml", "allowHosts": ["https://x.dev"] }, "c": {} } }', 'mcp.json');
    assert.deepEqual(
      issues.map((issue) => [issue.location.path, issue.message]),
      [
        ['openapi.a.spec', 'must be an http:// or https:// URL, got a URL with the ftp: scheme'],
        ['openapi.b.allowHosts[0]', 'must be a host name or host:port (no scheme or path), got "https://x.dev"'],
        ['openapi.c', 'OpenAPI source "c" has no "spec" (a file or an http(s) URL)'],
      ],
    );
  });

  test('a missing spec file or a Swagger 2 document makes the namespace unavailable, saying why', async () => {
    const folder = workspace();
    writeFileSync(path.join(folder, 'swagger.json'), '{ "swagger": "2.0", "paths": {} }');
    const missing = hubFor(config('nope.yaml'), folder);
    assert.match((await missing.catalog()).unavailable[0]!.reason, /cannot read the spec .*nope\.yaml: no such file/);
    const swagger = hubFor(config('swagger.json'), folder);
    assert.match((await swagger.catalog()).unavailable[0]!.reason, /is Swagger 2\.0; only OpenAPI 3\.0 and 3\.1 are supported/);
  });
});
