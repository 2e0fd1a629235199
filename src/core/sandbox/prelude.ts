// Guest-side JavaScript evaluated in every fresh QuickJS context before the script. It receives
// the host's two primitives (send a tool call, write a log line) as arguments rather than globals,
// so the script can never reach them directly, and builds from them the only API a script sees:
// `console`, `ToolError` and one frozen namespace of async functions per server.
//
// Everything crossing to the host is checked here first, so a script that passes a function, a
// BigInt, a Map or a cyclic object learns exactly where the problem is instead of getting `{}`.

export const PRELUDE_FILE = '<codemode-prelude>';

export const PRELUDE_SOURCE = String.raw`(function (host, bindingsJson) {
  'use strict';
  const hostCall = host.call;
  const hostLog = host.log;
  // Captured now: a script may replace the globals, and must only break itself by doing so.
  const stringify = JSON.stringify;
  const parseJson = JSON.parse;
  const keysOf = Object.keys;
  const isArray = Array.isArray;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const createObject = Object.create;
  const bindings = parseJson(bindingsJson);

  class ToolError extends Error {
    constructor(server, tool) {
      super('');
      this.name = 'ToolError';
      this.server = server;
      this.tool = tool;
    }
  }

  function kindOf(value) {
    if (typeof value === 'function') return 'a function';
    if (typeof value === 'bigint') return 'a BigInt';
    if (typeof value === 'symbol') return 'a Symbol';
    if (value instanceof Map) return 'a Map';
    if (value instanceof Set) return 'a Set';
    if (value instanceof WeakMap || value instanceof WeakSet) return 'a weak collection';
    if (value instanceof Promise) return 'a Promise (did you forget await?)';
    return undefined;
  }

  const HINTS = {
    'a BigInt': 'convert it with String() or Number() first',
    'a Map': 'convert it with Object.fromEntries(map) first',
    'a Set': 'convert it with Array.from(set) first',
  };

  // Walks a value the way JSON.stringify will, throwing a TypeError that names the path of the
  // first thing JSON cannot carry. Undefined object properties are dropped and undefined array
  // items become null, exactly as JSON.stringify does.
  function checkJson(root, rootPath) {
    // The containers above the current value and the keys that led down from each, kept without
    // array methods; the path text is only built when there is something to report.
    const ancestors = [];
    const keys = [];
    let depth = 0;
    function pathTo(level) {
      let path = rootPath;
      for (let i = 0; i < level; i++) {
        const key = keys[i];
        path += typeof key === 'number' ? '[' + key + ']' : /^[A-Za-z_$][\w$]*$/.test(key) ? '.' + key : '[' + stringify(key) + ']';
      }
      return path;
    }
    function visit(value) {
      const type = typeof value;
      if (value === null || type === 'undefined' || type === 'string' || type === 'number' || type === 'boolean') return;
      const kind = kindOf(value);
      if (kind) {
        const hint = HINTS[kind] ? '; ' + HINTS[kind] : '';
        throw new TypeError(pathTo(depth) + ' is ' + kind + ', which cannot be sent as JSON' + hint);
      }
      for (let i = 0; i < depth; i++) {
        if (ancestors[i] === value) {
          throw new TypeError(pathTo(depth) + ' refers back to ' + pathTo(i) + ' (a cycle), which cannot be sent as JSON');
        }
      }
      if (typeof value.toJSON === 'function') return;
      ancestors[depth] = value;
      depth++;
      if (isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          keys[depth - 1] = i;
          visit(value[i]);
        }
      } else {
        const names = keysOf(value);
        for (let i = 0; i < names.length; i++) {
          keys[depth - 1] = names[i];
          visit(value[names[i]]);
        }
      }
      depth--;
    }
    visit(root);
  }

  function toJson(value, rootPath) {
    checkJson(value, rootPath);
    return stringify(value);
  }

  // A loggable copy of any value: JSON-shaped, with markers for what JSON cannot show.
  function loggable(value, ancestors, depth) {
    switch (typeof value) {
      case 'undefined': return '[undefined]';
      case 'function': return '[Function' + (value.name ? ': ' + value.name : '') + ']';
      case 'bigint': return value.toString() + 'n';
      case 'symbol': return value.toString();
      case 'number': return Number.isFinite(value) ? value : String(value);
      case 'object': break;
      default: return value;
    }
    if (value === null) return null;
    if (value instanceof Error) return value.stack ? value.name + ': ' + value.message + '\n' + value.stack : value.name + ': ' + value.message;
    if (ancestors.indexOf(value) !== -1) return '[Circular]';
    if (depth >= 8) return Array.isArray(value) ? '[Array]' : '[Object]';
    if (value instanceof Map) value = { '[Map]': Array.from(value.entries()) };
    else if (value instanceof Set) value = { '[Set]': Array.from(value.values()) };
    ancestors.push(value);
    let copy;
    if (Array.isArray(value)) {
      copy = [];
      for (let i = 0; i < value.length; i++) copy.push(loggable(value[i], ancestors, depth + 1));
    } else if (typeof value.toJSON === 'function') {
      copy = value.toJSON();
    } else {
      copy = {};
      for (const key of Object.keys(value)) copy[key] = loggable(value[key], ancestors, depth + 1);
    }
    ancestors.pop();
    return copy;
  }

  function formatArgs(args) {
    let text = '';
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      if (i > 0) text += ' ';
      if (typeof value === 'string') text += value;
      else {
        const copy = loggable(value, [], 0);
        text += typeof copy === 'string' ? copy : stringify(copy);
      }
    }
    return text;
  }

  const consoleObject = createObject(null);
  for (const [method, level] of [['log', 'log'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['debug', 'log'], ['trace', 'log']]) {
    consoleObject[method] = function () { hostLog(level, formatArgs(arguments)); };
  }
  defineProperty(globalThis, 'console', { value: freeze(consoleObject), writable: false, configurable: false, enumerable: false });
  defineProperty(globalThis, 'ToolError', { value: ToolError, writable: false, configurable: false, enumerable: false });

  function describeArg(value) {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return 'a ' + typeof value;
  }

  function makeTool(namespace, fn, server, tool) {
    const label = namespace + '.' + fn;
    const call = function (args) {
      // Made now, so its stack points at the script line that made the call.
      const failure = new ToolError(server, tool);
      if (args === undefined) args = {};
      if (args === null || typeof args !== 'object' || Array.isArray(args)) {
        return Promise.reject(new TypeError(label + ' takes one object argument, like ' + label + '({ ... }); got ' + describeArg(args)));
      }
      let json;
      try {
        json = toJson(args, label + ' argument');
      } catch (error) {
        return Promise.reject(error);
      }
      if (typeof json !== 'string' || json.charAt(0) !== '{') {
        return Promise.reject(new TypeError(label + ' takes one object argument; its toJSON() turned it into ' + (json === undefined ? 'nothing' : 'something else')));
      }
      return hostCall(server, tool, json).then(
        (resultJson) => (resultJson === undefined ? undefined : parseJson(resultJson)),
        (message) => {
          failure.message = 'Tool "' + tool + '" on server "' + server + '" failed: ' + message;
          throw failure;
        },
      );
    };
    defineProperty(call, 'name', { value: fn });
    return call;
  }

  function distance(a, b) {
    const row = [];
    for (let j = 0; j <= b.length; j++) row[j] = j;
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const saved = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = saved;
      }
    }
    return row[b.length];
  }

  function suggest(name, names) {
    let best;
    let bestScore = Infinity;
    for (let i = 0; i < names.length; i++) {
      const score = distance(name.toLowerCase(), names[i].toLowerCase());
      if (score < bestScore) {
        best = names[i];
        bestScore = score;
      }
    }
    return best !== undefined && bestScore <= Math.max(2, name.length / 3) ? best : undefined;
  }

  // Reading a name that is not a tool gives a function that explains the mistake when called,
  // instead of QuickJS's bare "not a function". Symbols and the names that promise, JSON and
  // printing machinery probe for stay undefined, so awaiting or logging a namespace behaves.
  const PROBES = ['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect', 'prototype', '__proto__'];
  function namespaceObject(functions, explain) {
    return new Proxy(freeze(functions), {
      get(target, property) {
        if (typeof property === 'symbol' || property in target || PROBES.indexOf(property) !== -1) return target[property];
        return function () {
          return Promise.reject(explain(property));
        };
      },
    });
  }

  for (const namespace of keysOf(bindings.tools)) {
    const functions = createObject(null);
    const entries = bindings.tools[namespace];
    const names = keysOf(entries);
    let server = '';
    for (let i = 0; i < names.length; i++) {
      const [toolServer, tool] = entries[names[i]];
      server = toolServer;
      functions[names[i]] = makeTool(namespace, names[i], toolServer, tool);
    }
    const sorted = names.slice().sort();
    const listed = sorted.length > 20 ? sorted.slice(0, 20).join(', ') + ', …' : sorted.join(', ');
    const value = namespaceObject(functions, (property) => {
      const guess = suggest(property, names);
      return new TypeError(namespace + '.' + property + ' is not a tool' + (server ? ' of server "' + server + '"' : '') + '.' + (guess ? ' Did you mean ' + namespace + '.' + guess + '?' : '') + ' Its tools: ' + (listed || 'none') + '.');
    });
    defineProperty(globalThis, namespace, { value, writable: false, configurable: false, enumerable: true });
  }

  for (const namespace of keysOf(bindings.unavailable)) {
    const [server, reason] = bindings.unavailable[namespace];
    const value = namespaceObject(createObject(null), (property) => {
      const error = new ToolError(server, property);
      error.message = 'Server "' + server + '" is unavailable, so ' + namespace + '.' + property + ' cannot be called: ' + reason;
      return error;
    });
    defineProperty(globalThis, namespace, { value, writable: false, configurable: false, enumerable: true });
  }

  return {
    serializeResult(value) {
      return value === undefined ? undefined : toJson(value, 'the result');
    },
    describeError(error) {
      if (error instanceof Error) {
        return stringify({ name: String(error.name), message: String(error.message), stack: typeof error.stack === 'string' ? error.stack : undefined });
      }
      const copy = loggable(error, [], 0);
      return stringify({ name: 'Error', message: 'Script threw a non-Error value: ' + (typeof copy === 'string' ? copy : stringify(copy)) });
    },
  };
})`;
