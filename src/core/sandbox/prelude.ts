// Guest-side JavaScript evaluated in every fresh QuickJS context before the script. It receives
// the host's two primitives (send a tool call, write a log line) as arguments rather than globals,
// so the script can never reach them directly, and builds from them the only API a script sees:
// `console`, `ToolError` and one frozen namespace of async functions per server.
//
// Everything crossing to the host is checked here first, so a script that passes a function, a
// BigInt, a Map or a cyclic object learns exactly where the problem is instead of getting `{}`.
// And everything crossing is bounded here, before the host copies it out of the guest heap: log
// text and error descriptions by the output limit, results by the output limit, tool arguments by
// the share of memory a tool call may carry, and nesting by a depth the host can always walk.

import type { Bindings } from './protocol';

/** What the worker passes to the prelude besides the host's primitives (as JSON). */
export interface PreludeOptions {
  readonly bindings: Bindings;
  /** The output limit: log text, results and error descriptions longer than this never leave. */
  readonly maxOutputBytes: number;
  /** The largest argument JSON one tool call may carry, and the limit text to name when refusing. */
  readonly maxArgumentBytes: number;
  readonly argumentLimitText: string;
}

/** Nesting deeper than this is refused in results and tool arguments: JSON.stringify recurses natively, and very deep values would overflow the worker's own stack. */
export const MAX_JSON_DEPTH = 1000;

export const PRELUDE_FILE = '<codemode-prelude>';

export const PRELUDE_SOURCE = String.raw`(function (host, optionsJson) {
  'use strict';
  const hostCall = host.call;
  const hostLog = host.log;
  // Captured now: a script may replace the globals (JSON, Promise, Map, String, Array.isArray…)
  // and must only break itself by doing so, never its tool calls, console or error reports.
  const stringify = JSON.stringify;
  const parseJson = JSON.parse;
  const keysOf = Object.keys;
  const isArray = Array.isArray;
  const arrayFrom = Array.from;
  const isFinite = Number.isFinite;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const createObject = Object.create;
  const apply = Reflect.apply;
  const toText = String;
  const PromiseClass = Promise;
  const promiseThen = Promise.prototype.then;
  const promiseReject = Promise.reject;
  const rejected = (reason) => apply(promiseReject, PromiseClass, [reason]);
  const sliceText = String.prototype.slice;
  const MapClass = Map;
  const SetClass = Set;
  const WeakMapClass = WeakMap;
  const WeakSetClass = WeakSet;
  const ErrorClass = Error;
  const { bindings, maxOutputBytes, maxArgumentBytes, argumentLimitText } = parseJson(optionsJson);
  const MAX_DEPTH = ${MAX_JSON_DEPTH};
  const MAX_NAME_LENGTH = 200;

  function clip(text, max) {
    return text.length <= max ? text : apply(sliceText, text, [0, max]) + ' … [' + (text.length - max) + ' more characters cut]';
  }

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
    if (value instanceof MapClass) return 'a Map';
    if (value instanceof SetClass) return 'a Set';
    if (value instanceof WeakMapClass || value instanceof WeakSetClass) return 'a weak collection';
    if (value instanceof PromiseClass) return 'a Promise (did you forget await?)';
    return undefined;
  }

  const HINTS = {
    'a BigInt': 'convert it with String() or Number() first',
    'a Map': 'convert it with Object.fromEntries(map) first',
    'a Set': 'convert it with Array.from(set) first',
  };

  // Thrown by checkJson when the JSON would be longer than its budget; carries the bytes counted.
  function TooLarge(bytes) {
    this.bytes = bytes;
  }

  // Walks a value the way JSON.stringify will, throwing a TypeError that names the path of the
  // first thing JSON cannot carry. Undefined object properties are dropped and undefined array
  // items become null, exactly as JSON.stringify does. It also counts a lower bound of the JSON's
  // length and throws a TooLarge as soon as that passes maxBytes, so a huge or sparse value is
  // refused before any of it is copied.
  function checkJson(root, rootPath, maxBytes) {
    // The containers above the current value and the keys that led down from each, kept without
    // array methods; the path text is only built when there is something to report.
    const ancestors = [];
    const keys = [];
    let depth = 0;
    let bytes = 0;
    function count(more) {
      bytes += more;
      if (bytes > maxBytes) throw new TooLarge(bytes);
    }
    function pathTo(level) {
      let path = rootPath;
      for (let i = 0; i < level; i++) {
        const key = keys[i];
        path += typeof key === 'number' ? '[' + key + ']' : /^[A-Za-z_$][\w$]*$/.test(key) ? '.' + key : '[' + stringify(key) + ']';
      }
      return clip(path, 160);
    }
    function visit(value) {
      const type = typeof value;
      if (type === 'string') return count(value.length + 2);
      if (value === null || type === 'undefined' || type === 'number' || type === 'boolean') return count(1);
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
      if (typeof value.toJSON === 'function') return count(1);
      if (depth >= MAX_DEPTH) {
        throw new TypeError(pathTo(depth) + ' is nested more than ' + MAX_DEPTH + ' levels deep, which cannot be sent as JSON');
      }
      ancestors[depth] = value;
      depth++;
      if (isArray(value)) {
        const length = value.length;
        // Every item takes at least one character and a comma, holes included.
        count(2 * length + 1);
        for (let i = 0; i < length; i++) {
          keys[depth - 1] = i;
          visit(value[i]);
        }
      } else {
        const names = keysOf(value);
        count(2);
        for (let i = 0; i < names.length; i++) {
          keys[depth - 1] = names[i];
          const item = value[names[i]];
          // JSON drops undefined properties, so they cost nothing.
          if (item === undefined) continue;
          count(names[i].length + 3);
          visit(item);
        }
      }
      depth--;
    }
    visit(root);
  }

  // A loggable copy of any value: JSON-shaped, with markers for what JSON cannot show. Arrays are
  // copied only as far as the output limit could show them.
  function loggable(value, ancestors, depth) {
    switch (typeof value) {
      case 'undefined': return '[undefined]';
      case 'function': return '[Function' + (value.name ? ': ' + value.name : '') + ']';
      case 'bigint': return value.toString() + 'n';
      case 'symbol': return value.toString();
      case 'number': return isFinite(value) ? value : toText(value);
      case 'object': break;
      default: return value;
    }
    if (value === null) return null;
    if (value instanceof ErrorClass) return value.stack ? value.name + ': ' + value.message + '\n' + value.stack : value.name + ': ' + value.message;
    for (let i = 0; i < depth; i++) if (ancestors[i] === value) return '[Circular]';
    if (depth >= 8) return isArray(value) ? '[Array]' : '[Object]';
    if (value instanceof MapClass) value = { '[Map]': arrayFrom(value.entries()) };
    else if (value instanceof SetClass) value = { '[Set]': arrayFrom(value.values()) };
    ancestors[depth] = value;
    let copy;
    if (isArray(value)) {
      copy = [];
      const shown = value.length < maxOutputBytes / 2 ? value.length : maxOutputBytes / 2;
      for (let i = 0; i < shown; i++) copy[i] = loggable(value[i], ancestors, depth + 1);
    } else if (typeof value.toJSON === 'function') {
      // What toJSON gives is walked too, so a cycle in it is marked rather than thrown.
      copy = loggable(value.toJSON(), ancestors, depth + 1);
    } else {
      copy = {};
      const names = keysOf(value);
      for (let i = 0; i < names.length; i++) copy[names[i]] = loggable(value[names[i]], ancestors, depth + 1);
    }
    return copy;
  }

  // The host keeps at most maxOutputBytes of text, and a character is never less than a byte, so
  // each piece is cut to the room left before it is joined: a huge string is never copied whole.
  function formatArgs(args) {
    let text = '';
    for (let i = 0; i < args.length && text.length < maxOutputBytes; i++) {
      const value = args[i];
      let piece;
      if (typeof value === 'string') piece = value;
      else {
        const copy = loggable(value, [], 0);
        piece = typeof copy === 'string' ? copy : toText(stringify(copy));
      }
      const room = maxOutputBytes - text.length - (i > 0 ? 1 : 0);
      text += (i > 0 ? ' ' : '') + (piece.length > room ? apply(sliceText, piece, [0, room]) : piece);
    }
    return text;
  }

  // The host answers whether it still takes lines; once the output limit is reached, logging
  // costs nothing more than a call, so a flood of lines cannot eat the time limit.
  let logsFull = false;
  const consoleObject = createObject(null);
  for (const [method, level] of [['log', 'log'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['debug', 'log'], ['trace', 'log']]) {
    consoleObject[method] = function () {
      if (logsFull) return;
      // As JSON, so NUL characters and lone surrogates reach the host intact.
      if (!hostLog(level, stringify(formatArgs(arguments)))) logsFull = true;
    };
  }
  defineProperty(globalThis, 'console', { value: freeze(consoleObject), writable: false, configurable: false, enumerable: false });
  defineProperty(globalThis, 'ToolError', { value: ToolError, writable: false, configurable: false, enumerable: false });

  function describeArg(value) {
    if (value === null) return 'null';
    if (isArray(value)) return 'an array';
    return 'a ' + typeof value;
  }

  function makeTool(namespace, fn, server, tool) {
    const label = namespace + '.' + fn;
    const call = function (args) {
      // Made now, so its stack points at the script line that made the call.
      const failure = new ToolError(server, tool);
      if (args === undefined) args = {};
      if (args === null || typeof args !== 'object' || isArray(args)) {
        return rejected(new TypeError(label + ' takes one object argument, like ' + label + '({ ... }); got ' + describeArg(args)));
      }
      let json;
      try {
        checkJson(args, label + ' argument', maxArgumentBytes);
        json = stringify(args);
      } catch (error) {
        if (!(error instanceof TooLarge)) return rejected(error);
        return rejected(new RangeError(label + ' argument is too large: its JSON is over ' + maxArgumentBytes + ' bytes, the most one tool call may carry under ' + argumentLimitText));
      }
      if (typeof json !== 'string' || json[0] !== '{') {
        return rejected(new TypeError(label + ' takes one object argument; its toJSON() turned it into ' + (json === undefined ? 'nothing' : 'something else')));
      }
      if (json.length > maxArgumentBytes) {
        return rejected(new RangeError(label + ' argument is too large: its JSON is ' + json.length + ' characters, over the ' + maxArgumentBytes + ' bytes one tool call may carry under ' + argumentLimitText));
      }
      return apply(promiseThen, hostCall(server, tool, json), [
        (resultJson) => (resultJson === undefined ? undefined : parseJson(resultJson)),
        (message) => {
          failure.message = 'Tool "' + tool + '" on server "' + server + '" failed: ' + message;
          throw failure;
        },
      ]);
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
  const PROBES = createObject(null);
  for (const name of ['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect', 'prototype', '__proto__']) PROBES[name] = true;
  function namespaceObject(functions, explain) {
    return new Proxy(freeze(functions), {
      get(target, property) {
        if (typeof property === 'symbol' || property in target || PROBES[property] === true) return target[property];
        return function () {
          return rejected(explain(property));
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
    // The result as JSON text, or, when it would be over the output limit, a number: a lower
    // bound of its length, so nothing that large is built or copied out.
    serializeResult(value) {
      if (value === undefined) return undefined;
      try {
        checkJson(value, 'the result', maxOutputBytes);
      } catch (error) {
        if (error instanceof TooLarge) return error.bytes;
        throw error;
      }
      const json = stringify(value);
      return typeof json === 'string' && json.length > maxOutputBytes ? json.length : json;
    },
    describeError(error) {
      if (error instanceof ErrorClass) {
        const stack = error.stack;
        return stringify({
          name: clip(toText(error.name), MAX_NAME_LENGTH),
          message: clip(toText(error.message), maxOutputBytes),
          stack: typeof stack === 'string' ? clip(stack, maxOutputBytes) : undefined,
        });
      }
      const copy = loggable(error, [], 0);
      return stringify({ name: 'Error', message: clip('Script threw a non-Error value: ' + (typeof copy === 'string' ? copy : stringify(copy)), maxOutputBytes) });
    },
  };
})`;
