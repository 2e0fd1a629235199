// The built CLI with an OpenAPI source and a command source in one mcp.json: `codemode tools`
// lists them with their kind, `codemode types` declares them, and `codemode run` uses both in one
// script. The API key comes from CODEMODE_INPUT_API_KEY and appears nowhere in the output.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codemode } from '../helpers/cli';
import { freePort } from '../helpers/ports';
import { ROOT } from '../helpers/root';

const SECRET = 'sk-cli-81bd2e90aa';
let server: Server;
let folder: string;

before(async () => {
  const port = await freePort();
  server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${SECRET}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      return void response.end('{"message":"unauthorized"}');
    }
    const id = /^\/v1\/pets\/(\d+)$/.exec(request.url ?? '')?.[1];
    response.writeHead(id ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(id ? { id: Number(id), name: id === '1' ? 'Tom' : 'Rex', tag: null } : { message: 'no' }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  folder = mkdtempSync(path.join(tmpdir(), 'codemode-cli-sources-'));
  mkdirSync(path.join(folder, '.vscode'));
  writeFileSync(path.join(folder, 'petstore.yaml'), readFileSync(path.join(ROOT, 'test/fixtures/openapi/petstore.yaml'), 'utf8').replace('default: "8080"', `default: "${port}"`));
  writeFileSync(
    path.join(folder, '.vscode/mcp.json'),
    `{
      // An HTTP API and a command-line tool beside (no) MCP servers.
      "inputs": [{ "id": "api-key", "type": "promptString", "password": true }],
      "openapi": {
        "pets": { "spec": "petstore.yaml", "headers": { "Authorization": "Bearer \${input:api-key}" }, "operations": ["getPet", "listPets"] }
      },
      "commands": {
        "shell-free": {
          "tools": {
            "words": {
              "description": "Splits text into words with node.",
              "command": ${JSON.stringify(process.execPath)},
              "args": ["-e", "console.log(JSON.stringify(process.argv[1].split(' ')))", "{text}"],
              "parameters": { "text": { "type": "string" } },
              "required": ["text"],
              "output": "json"
            }
          }
        }
      }
    }`,
  );
});

after(() => new Promise((resolve) => server.close(resolve)));

const env = { CODEMODE_INPUT_API_KEY: SECRET };

describe('codemode with OpenAPI and command sources', () => {
  test('run: one script uses both namespaces', async () => {
    const script = `
      const found = await Promise.all([1, 2].map((petId) => pets.getPet({ petId })));
      const words = await shellFree.words({ text: found.map((pet) => pet.name).join(' ') + '; echo $HOME' });
      return { words };`;
    const { code, stdout, stderr } = await codemode(['run', '-', '--json'], { cwd: folder, env, stdin: script });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { ok: boolean; result: unknown; calls: { server: string; tool: string; ok: boolean }[] };
    assert.deepEqual(result.result, { words: ['Tom', 'Rex;', 'echo', '$HOME'] });
    assert.deepEqual(result.calls.map((call) => `${call.server}.${call.tool} ${call.ok}`), ['pets.getPet true', 'pets.getPet true', 'shell-free.words true']);
    assert.doesNotMatch(stdout + stderr, new RegExp(SECRET));
  });

  test('tools: both listed with their kind', async () => {
    const { code, stdout, stderr } = await codemode(['tools'], { cwd: folder, env });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^pets \(openapi, 2 tools\) → pets$/m);
    assert.match(stdout, /^shell-free \(command, 1 tools\) → shellFree$/m);
    const json = JSON.parse((await codemode(['tools', '--json'], { cwd: folder, env })).stdout) as { servers: { name: string; type: string }[] };
    assert.deepEqual(json.servers.map((entry) => [entry.name, entry.type]), [['pets', 'openapi'], ['shell-free', 'command']]);
  });

  test('types: declarations for both, without the key or the URL', async () => {
    const out = path.join(folder, 'types');
    const { code, stderr } = await codemode(['types', '--out', out], { cwd: folder, env });
    assert.equal(code, 0, stderr);
    const pets = readFileSync(path.join(out, 'pets.d.ts'), 'utf8');
    assert.match(pets, /function getPet\(args: pets\.GetPetInput\): Promise<pets\.GetPetOutput>/);
    assert.match(readFileSync(path.join(out, 'shellFree.d.ts'), 'utf8'), /function words\(args: shellFree\.WordsInput\)/);
    assert.doesNotMatch(pets, new RegExp(`${SECRET}|127\\.0\\.0\\.1`));
  });

  test('a missing input makes the OpenAPI namespace unavailable, with the variable to set', async () => {
    const { code, stdout } = await codemode(['run', '-', '--json'], { cwd: folder, env: {}, stdin: 'return await pets.getPet({ petId: 1 })' });
    assert.equal(code, 1);
    assert.match((JSON.parse(stdout) as { error: { message: string } }).error.message, /Server "pets" is unavailable.*input "api-key" .*has no value: set CODEMODE_INPUT_API_KEY/);
  });
});
