// How server keys and tool names become identifiers in scripts and in the generated declarations.
// Both the sandbox and the type generator use this module, so a name a script sees and the name
// its declaration offers can never disagree.

/** Words that cannot name a function or namespace in a declaration file or strict-mode script. */
const RESERVED_WORDS = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete',
  'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements',
  'import', 'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected',
  'public', 'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var',
  'void', 'while', 'with', 'yield', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity',
  // Own properties that would shadow or corrupt an object's prototype machinery.
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty',
]);

/** Globals a namespace must not shadow, or scripts would lose the language's own objects. */
const SANDBOX_GLOBALS = new Set([
  'console', 'globalThis', 'JSON', 'Math', 'Promise', 'Object', 'Array', 'String', 'Number',
  'Boolean', 'Symbol', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'Date', 'RegExp', 'Map',
  'Set', 'WeakMap', 'WeakSet', 'Reflect', 'Proxy', 'BigInt', 'Intl', 'ToolError',
]);

/**
 * BMP letters and marks newer than Unicode 15.1, the version TypeScript 5.9 (and so the editor)
 * reads identifiers by: Node knows them, but one in a declaration file makes the whole file
 * unreadable. Extend this when the fuzz test (test/unit/schema-fuzz.test.ts) finds more.
 */
const NEWER_THAN_TYPESCRIPT = /[\u088F\u0897\u0C5C\u0CDC\u1ACF-\u1ADD\u1AE0-\u1AEB\u1C89\u1C8A\uA7CB-\uA7CF\uA7D2\uA7D4\uA7DA-\uA7DC\uA7F1]/u;

/**
 * True for a character that may be part of a word of an identifier: a letter, digit or combining
 * mark (Devanagari vowel signs belong to their word) that can continue an identifier. Superscripts,
 * fractions and circled digits (\p{No}) cannot; astral characters are left out because that is
 * where TypeScript's Unicode and the runtime's differ most (and the rest are historic scripts,
 * mathematical alphabets and rare ideographs).
 */
function isWordCharacter(ch: string): boolean {
  return ch.length === 1 && /[\p{L}\p{N}\p{Mn}\p{Mc}]/u.test(ch) && /\p{ID_Continue}/u.test(ch) && !NEWER_THAN_TYPESCRIPT.test(ch);
}

/** Splits a name into words at every other character; NFC first, so "é" is one letter however it was typed. */
function words(name: string): string[] {
  return Array.from(name.normalize('NFC'), (ch) => (isWordCharacter(ch) ? ch : ' '))
    .join('')
    .split(' ')
    .filter((part) => part.length > 0);
}

/** `text` in upper or lower case, except characters whose other case is not a word character (ƛ's capital is newer than TypeScript). */
function toCase(text: string, upper: boolean): string {
  return Array.from(text, (ch) => {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    return Array.from(mapped).every(isWordCharacter) ? mapped : ch;
  }).join('');
}

function capitalise(word: string, first: boolean): string {
  // An all-caps word is an acronym or a shouted name: "GET_USER" reads best as getUser.
  const normal = word === word.toUpperCase() ? toCase(word, false) : word;
  return toCase(normal.charAt(0), !first) + normal.slice(1);
}

/**
 * The camelCase identifier for a name, before collisions are resolved:
 * `read_text_file` → `readTextFile`, `get-sum` → `getSum`, `my-server` → `myServer`.
 */
export function camelIdentifier(name: string): string {
  const parts = words(name);
  let id = parts.map((word, index) => capitalise(word, index === 0)).join('');
  if (id.length === 0) id = 'unnamed';
  if (!/^[\p{ID_Start}$_]/u.test(id)) id = `_${id}`;
  return id;
}

/**
 * Words a namespace cannot take although the language allows them. A namespace is written before a
 * dot in type positions (`args: keyof.SearchInput`), where TypeScript reads these as type
 * operators; and it names its declaration file, so it cannot be the index's name or a device name
 * Windows reserves in any folder (`con.d.ts` cannot be created there).
 */
const NAMESPACE_ONLY_RESERVED = /^(?:keyof|infer|readonly|unique|index|con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A namespace's file name must fit the 255 bytes file systems allow; this many UTF-16 units of the
 * Basic Multilingual Plane take at most 192 bytes, leaving room for a suffix and `.d.ts`.
 */
const MAX_NAMESPACE_LENGTH = 64;

/** True when `id` can be written as a plain identifier without clashing with the language. */
export function isSafeIdentifier(id: string, kind: 'namespace' | 'function'): boolean {
  if (RESERVED_WORDS.has(id)) return false;
  return kind === 'function' || !(SANDBOX_GLOBALS.has(id) || NAMESPACE_ONLY_RESERVED.test(id));
}

/**
 * Assigns each name a unique, valid identifier. The result does not depend on the order a server
 * happens to list its names: names that are already identifiers are served first, then the others
 * in sorted order. A clash with a reserved word takes a trailing underscore, and a clash between
 * two names a numeric suffix (`getUser`, `getUser2`). Namespaces also name files, so they are
 * unique even where case does not count (`myServer`, `myserver2`) and are kept short.
 */
export function assignIdentifiers(
  names: Iterable<string>,
  kind: 'namespace' | 'function',
): Map<string, string> {
  // A name that already is its own identifier keeps it; then the rest, in sorted order.
  const unique = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sorted = [...unique.filter((name) => camelIdentifier(name) === name), ...unique.filter((name) => camelIdentifier(name) !== name)];
  const key = (id: string): string => (kind === 'namespace' ? id.toLowerCase() : id);
  const taken = new Set<string>();
  const assigned = new Map<string, string>();
  for (const name of sorted) {
    let base = camelIdentifier(name);
    if (kind === 'namespace') base = base.slice(0, MAX_NAMESPACE_LENGTH);
    if (!isSafeIdentifier(base, kind)) base = `${base}_`;
    let id = base;
    for (let n = 2; taken.has(key(id)); n++) id = `${base}${n}`;
    taken.add(key(id));
    assigned.set(name, id);
  }
  return assigned;
}
