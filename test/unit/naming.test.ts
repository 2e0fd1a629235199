import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignIdentifiers, camelIdentifier } from '../../src/core/naming';

describe('identifiers for servers and tools', () => {
  test('camelCase from snake, kebab, dotted and spaced names', () => {
    assert.equal(camelIdentifier('read_text_file'), 'readTextFile');
    assert.equal(camelIdentifier('get-sum'), 'getSum');
    assert.equal(camelIdentifier('my-server'), 'myServer');
    assert.equal(camelIdentifier('files.list all'), 'filesListAll');
    assert.equal(camelIdentifier('getUser'), 'getUser');
    assert.equal(camelIdentifier('GET_USER'), 'getUser');
    assert.equal(camelIdentifier('HTTP-request'), 'httpRequest');
  });

  test('names that cannot start an identifier are made valid', () => {
    assert.equal(camelIdentifier('2fa-verify'), '_2faVerify');
    assert.equal(camelIdentifier('---'), 'unnamed');
    assert.equal(camelIdentifier('données_lire'), 'donnéesLire');
  });

  test('reserved words and sandbox globals take a trailing underscore', () => {
    const ids = assignIdentifiers(['delete', 'new', 'constructor', '__proto__'], 'function');
    assert.deepEqual(Object.fromEntries(ids), { delete: 'delete_', new: 'new_', constructor: 'constructor_', ['__proto__']: 'proto' });
    assert.equal(assignIdentifiers(['console'], 'namespace').get('console'), 'console_');
    assert.equal(assignIdentifiers(['console'], 'function').get('console'), 'console');
  });

  test('collisions are resolved the same way whatever the input order', () => {
    const forward = assignIdentifiers(['get_user', 'get-user', 'getUser'], 'function');
    const backward = assignIdentifiers(['getUser', 'get-user', 'get_user'], 'function');
    assert.deepEqual(forward, backward);
    assert.deepEqual(new Set(forward.values()).size, 3);
    assert.equal(forward.get('getUser'), 'getUser', 'a name that is already an identifier keeps it');
    assert.equal(forward.get('get-user'), 'getUser2');
    assert.equal(forward.get('get_user'), 'getUser3');
  });
});
