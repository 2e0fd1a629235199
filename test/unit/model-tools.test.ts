// The model tools' words, shared by the extension and `codemode serve`: package.json must repeat
// them exactly (VS Code reads them statically), and the search answer says what a model needs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { namespacesNote, RUN_TOOL, searchAnswer, SEARCH_TOOL } from '../../src/core/modelTools';
import type { ToolInfo } from '../../src/core/provider';
import { ROOT } from '../helpers/root';

interface ContributedTool {
  readonly name: string;
  readonly displayName: string;
  readonly modelDescription: string;
  readonly inputSchema: unknown;
}

const contributed = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { languageModelTools: ContributedTool[] } }).contributes.languageModelTools;

describe('model tool definitions', () => {
  for (const tool of [RUN_TOOL, SEARCH_TOOL]) {
    test(`package.json declares ${tool.name} exactly as src/core/modelTools.ts does`, () => {
      const declared = contributed.find((entry) => entry.name === tool.name);
      assert.ok(declared, `${tool.name} is in contributes.languageModelTools`);
      assert.equal(declared.displayName, tool.title);
      assert.equal(declared.modelDescription, tool.description);
      assert.deepEqual(declared.inputSchema, tool.inputSchema);
    });
  }

  test('the namespaces note names each namespace, and the server where it differs', () => {
    assert.equal(
      namespacesNote(
        new Map([
          ['files', 'files'],
          ['my-server', 'myServer'],
        ]),
      ),
      'The namespaces are: files, myServer (server "my-server"). Call codemode_search first to get their TypeScript declarations.',
    );
    assert.match(namespacesNote(new Map()), /No MCP server is configured/);
  });
});

describe('searchAnswer', () => {
  const tool = (server: string, name: string, description: string): ToolInfo => ({ server, name, description, inputSchema: { type: 'object', properties: { path: { type: 'string' } } } });
  const catalog = {
    tools: [tool('files', 'read_text_file', 'Read a text file.'), tool('files', 'write_file', 'Write a file.'), tool('my-notes', 'add_note', 'Add a note.')],
    unavailable: [{ server: 'broken', reason: 'exited with code 3' }],
    namespaces: new Map([
      ['files', 'files'],
      ['my-notes', 'myNotes'],
      ['broken', 'broken'],
    ]),
  };

  test('an empty query lists every namespace with its tools and names the servers that failed', async () => {
    assert.equal(
      await searchAnswer(catalog, '  '),
      [
        'Namespaces and their tools (search by words to get their TypeScript declarations):',
        'files (server "files", ready): read_text_file, write_file',
        'myNotes (server "my-notes", ready): add_note',
        'broken (server "broken", failed): no tools',
        'Server "broken" is unavailable: exited with code 3',
      ].join('\n'),
    );
  });

  test('words give the declarations of the best matches, in the namespaces scripts use', async () => {
    const answer = await searchAnswer(catalog, 'note');
    assert.match(answer, /^TypeScript declarations of the 1 best-matching tools \(call them as namespace\.function\(\{ \.\.\. \}\) in codemode_run\):/);
    assert.match(answer, /declare namespace myNotes \{/);
    assert.match(answer, /function addNote\(/);
    assert.doesNotMatch(answer, /readTextFile/);
    assert.match(answer, /Server "broken" is unavailable: exited with code 3$/);
  });

  test('no match says so; no server says so', async () => {
    assert.match(await searchAnswer(catalog, 'spaceship'), /^No tool matches "spaceship"\. Search with other words/);
    assert.equal(await searchAnswer({ tools: [], unavailable: [] }, ''), 'No MCP server is configured, so there are no tools to search.');
  });
});
