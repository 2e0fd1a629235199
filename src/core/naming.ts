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

/** Splits a name into words at separators and camel humps, keeping Unicode letters and digits. */
function words(name: string): string[] {
  return name
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part.length > 0);
}

function capitalise(word: string, first: boolean): string {
  // An all-caps word is an acronym or a shouted name: "GET_USER" reads best as getUser.
  const normal = word === word.toUpperCase() ? word.toLowerCase() : word;
  if (first) return normal.charAt(0).toLowerCase() + normal.slice(1);
  return normal.charAt(0).toUpperCase() + normal.slice(1);
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

/** True when `id` can be written as a plain identifier without clashing with the language. */
export function isSafeIdentifier(id: string, kind: 'namespace' | 'function'): boolean {
  if (RESERVED_WORDS.has(id)) return false;
  return kind === 'function' || !SANDBOX_GLOBALS.has(id);
}

/**
 * Assigns each name a unique, valid identifier. The result does not depend on the order a server
 * happens to list its names: names that are already identifiers are served first, then the others
 * in sorted order. A clash with a reserved word takes a trailing underscore, and a clash between
 * two names a numeric suffix (`getUser`, `getUser2`).
 */
export function assignIdentifiers(
  names: Iterable<string>,
  kind: 'namespace' | 'function',
): Map<string, string> {
  // A name that already is its own identifier keeps it; then the rest, in sorted order.
  const unique = [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sorted = [...unique.filter((name) => camelIdentifier(name) === name), ...unique.filter((name) => camelIdentifier(name) !== name)];
  const taken = new Set<string>();
  const assigned = new Map<string, string>();
  for (const name of sorted) {
    let base = camelIdentifier(name);
    if (!isSafeIdentifier(base, kind)) base = `${base}_`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    assigned.set(name, id);
  }
  return assigned;
}
