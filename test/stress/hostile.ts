// Hostile scripts: a corpus of attacks and accidents, each run in the real sandbox. Every case must
// be contained — end with the error it names (or the value it checks) within its limit plus a
// grace — and leave the sandbox clean: the next run in the same worker sees the same globals,
// prototypes, console and tools as a run in a fresh one.
//
// The corpus is shared by `npm run stress` (hostileSection, default limits) and by
// test/unit/hostile.test.ts (short limits).

import { isDeepStrictEqual } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { LIMIT_DESCRIPTIONS, resolveLimits, type Limits } from '../../src/core/sandbox/limits';
import { SandboxPool } from '../../src/core/sandbox/pool';
import { fixtureProvider, type FixtureStats } from '../fixtures/provider';
import { formatMb, formatMs, table, type StressSection } from './report';

export type HostileCategory =
  | 'escape'
  | 'modules'
  | 'platform'
  | 'pollution'
  | 'cpu'
  | 'microtasks'
  | 'memory'
  | 'stack'
  | 'output'
  | 'result'
  | 'arguments'
  | 'late calls'
  | 'throws'
  | 'stalls';

/** A complaint about what happened (under these limits), or undefined when it is right. */
type Check = (run: RunResult, limits: Limits) => string | undefined;

export type Expectation =
  /** The run succeeds and its result (and anything else of the run) passes `check`. */
  | { readonly ok: Check }
  /**
   * The run fails with an error of this name (or one of these names); with `limit`, the error
   * says which limit and its value (in the words of LIMIT_DESCRIPTIONS) and carries `limit`.
   */
  | { readonly error: string; readonly limit?: keyof Limits; readonly message?: RegExp; readonly check?: Check };

export interface HostileCase {
  readonly name: string;
  readonly category: HostileCategory;
  /** The script; a function when a size in it depends on the limits. */
  readonly code: string | ((limits: Limits) => string);
  /** Limits of this case over the section's base limits (a memory bomb gets the time to fill memory). */
  readonly limits?: Partial<Limits>;
  readonly expect: Expectation;
  /** Time the script spends awaiting tools, allowed on top of its time limit. */
  readonly waitsMs?: number;
  /** Checked a moment after the run and the next run: what the run's tools saw after it ended. */
  readonly afterwards?: (stats: FixtureStats, callsAtEnd: number) => string | undefined;
}

/** What a case may overrun its governing limit by: the pool's grace before it terminates a worker (1 s), its watchdog's tick and scheduling. */
export const CONTAINMENT_GRACE_MS = 1_500;
/** How long to watch for tool calls a finished run might still make. */
const QUIET_MS = 200;

/** Memory bombs get time enough to reach the memory limit on a slow machine, so memory is what stops them. */
const MEMORY_BOMB: Partial<Limits> = { timeoutMs: 10_000 };

const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

function equals(expected: unknown): Check {
  return (run) => (isDeepStrictEqual(run.result, expected) ? undefined : `result ${json(run.result).slice(0, 200)}, expected ${json(expected).slice(0, 200)}`);
}

function all(...checks: Check[]): Check {
  return (run, limits) => checks.map((check) => check(run, limits)).find((complaint) => complaint !== undefined);
}

/** The logs kept fit the output limit (the notice aside), and end with the notice when `truncated`. */
function logsCapped(truncated: boolean): Check {
  return (run, limits) => {
    const kept = run.logs.slice(0, -1).reduce((sum, log) => sum + Buffer.byteLength(log.text), 0);
    if (kept > limits.maxOutputBytes) return `${kept} bytes of logs kept, over ${limits.maxOutputBytes}`;
    const noticed = /Output truncated: .*\(maxOutputBytes\)/.test(run.logs.at(-1)?.text ?? '');
    if (noticed !== truncated) return truncated ? 'no truncation notice at the end of the logs' : 'logs truncated unexpectedly';
    return undefined;
  };
}

function noCallsAfterEnd(stats: FixtureStats, callsAtEnd: number): string | undefined {
  return stats.calls.length === callsAtEnd ? undefined : `${stats.calls.length - callsAtEnd} tool calls reached the provider after the run ended: ${json(stats.calls.slice(callsAtEnd))}`;
}

/** Every case, in the order they run. */
export const HOSTILE_CASES: readonly HostileCase[] = [
  // Escapes through constructors, prototypes, Function and eval: all lead back to the guest.
  {
    name: "this.constructor.constructor('return process')()",
    category: 'escape',
    code: "return this.constructor.constructor('return process')()",
    expect: { error: 'ReferenceError', message: /'process' is not defined/ },
  },
  {
    name: 'Function constructors of tools, console, errors and async/generator functions',
    category: 'escape',
    code: `
      const viaTool = testServer.echo.constructor('return typeof process')();
      const viaConsole = console.log.constructor.constructor('return this')() === globalThis;
      const viaAsync = await Object.getPrototypeOf(async function () {}).constructor('return typeof require')();
      const viaGenerator = Object.getPrototypeOf(function* () {}).constructor('yield typeof module')().next().value;
      const viaAsyncGenerator = (await Object.getPrototypeOf(async function* () {}).constructor('yield typeof fetch')().next()).value;
      const viaError = (() => { try { null.x } catch (e) { return e.constructor.constructor('return typeof Buffer')() } })();
      return [viaTool, viaConsole, viaAsync, viaGenerator, viaAsyncGenerator, viaError];`,
    expect: { ok: equals(['undefined', true, 'undefined', 'undefined', 'undefined', 'undefined']) },
  },
  {
    name: '({}).__proto__ and every intrinsic prototype hold nothing of the host',
    category: 'escape',
    code: `
      const seen = new Set();
      const found = [];
      const standard = ['__proto__', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__'];
      const walk = (value, path, depth) => {
        if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value) || depth > 4) return;
        seen.add(value);
        for (const key of Reflect.ownKeys(value)) {
          const name = String(key);
          if (/process|require|host|worker|codemode|^__/i.test(name) && !standard.includes(name)) found.push(path + '.' + name);
          const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
          if (descriptor && 'value' in descriptor) walk(descriptor.value, path + '.' + name, depth + 1);
        }
        walk(Reflect.getPrototypeOf(value), path + '.__proto__', depth + 1);
      };
      walk(({}).__proto__, '({}).__proto__', 0);
      walk(globalThis, 'globalThis', 0);
      return found;`,
    expect: { ok: equals([]) },
  },
  {
    name: 'eval, indirect eval and Function see only the sandbox',
    category: 'escape',
    code: 'return [eval("typeof process"), (0, eval)("typeof require"), Function("return typeof fetch")(), new Function("return this")() === globalThis, eval("1 + 1")]',
    expect: { ok: equals(['undefined', 'undefined', 'undefined', true, 2]) },
  },
  {
    name: 'Error.prepareStackTrace and captureStackTrace are not hooks into the engine',
    category: 'escape',
    code: `
      Error.prepareStackTrace = () => { for (;;) {} };
      const stack = new Error('x').stack;
      return [typeof stack, typeof Error.captureStackTrace, /node:|\\.ts\\b|\\/work\\/|worker/.test(stack)];`,
    expect: { ok: equals(['string', 'undefined', false]) },
  },
  {
    name: 'a getter run by the sandbox during a tool call cannot reach its caller',
    category: 'escape',
    code: `
      const found = [];
      const probe = function () {
        try { found.push(typeof probe.caller, typeof arguments.callee.caller) } catch (e) { found.push(e.name) }
        return 1;
      };
      await testServer.echo({ get x() { return probe() } });
      return found;`,
    expect: { ok: (run) => (Array.isArray(run.result) && run.result.every((kind) => kind === 'undefined' || kind === 'TypeError') ? undefined : `the caller leaked: ${json(run.result)}`) },
  },
  {
    name: 'Reflect cannot replace, add or delete tools or namespaces',
    category: 'escape',
    code: `
      return [
        Reflect.set(testServer, 'echo', () => 'forged'),
        Reflect.defineProperty(testServer, 'extra', { value: 1 }),
        Reflect.deleteProperty(globalThis, 'testServer'),
        Reflect.set(globalThis, 'console', {}),
        Reflect.setPrototypeOf(testServer, {}),
        (await testServer.echo({ real: true })).real,
      ];`,
    expect: { ok: equals([false, false, false, false, false, true]) },
  },
  {
    name: 'assigning over tools, namespaces and console throws in strict code',
    category: 'escape',
    code: `
      'use strict';
      const attempts = [];
      for (const attempt of [
        () => { testServer.echo = () => 'forged'; },
        () => { testServer.extra = 1; },
        () => { globalThis.testServer = {}; },
        () => { console.log = () => {}; },
        () => { delete globalThis.otherServer; },
      ]) {
        try { attempt(); attempts.push('allowed'); } catch (e) { attempts.push(e.name); }
      }
      return { attempts, echoed: await testServer.echo({ real: true }) };`,
    expect: { ok: equals({ attempts: ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError'], echoed: { real: true } }) },
  },
  {
    name: 'a Proxy argument that lies about its keys is sent as the data it shows',
    category: 'escape',
    code: `
      const liar = new Proxy({}, {
        ownKeys: () => ['a'],
        getOwnPropertyDescriptor: () => ({ value: 'shown', enumerable: true, configurable: true }),
        get: (target, key) => (key === 'toJSON' ? undefined : 'shown'),
      });
      return await testServer.echo(liar);`,
    expect: { ok: equals({ a: 'shown' }) },
  },

  // Modules: there are none, and every way of asking says so.
  {
    name: 'a static import',
    category: 'modules',
    code: 'import fs from "node:fs";\nreturn fs.readFileSync("/etc/passwd", "utf8");',
    expect: { error: 'SyntaxError', message: /not a module/ },
  },
  {
    name: 'an export declaration',
    category: 'modules',
    code: 'export const secret = 1;',
    expect: { error: 'SyntaxError', message: /not a module/ },
  },
  {
    name: 'dynamic import()',
    category: 'modules',
    code: 'return await import("node:child_process")',
    expect: { error: 'Error', message: /import of 'node:child_process' is not available/ },
  },
  {
    name: 'import() from inside eval, caught',
    category: 'modules',
    code: 'try { await eval("import(\'data:text/javascript,export default globalThis.process\')"); return "imported" } catch (e) { return e.message }',
    expect: { ok: (run) => (typeof run.result === 'string' && /is not available/.test(run.result) ? undefined : `got ${json(run.result)}`) },
  },
  {
    name: 'import.meta',
    category: 'modules',
    code: 'const here = 1;\nreturn import.meta.url',
    expect: { error: 'SyntaxError', message: /import\.meta/, check: (run) => (run.error?.line === 2 ? undefined : `reported at line ${run.error?.line}, not 2`) },
  },
  {
    name: 'require',
    category: 'modules',
    code: 'return require("fs")',
    expect: { error: 'ReferenceError', message: /'require' is not defined/ },
  },

  // The platform: no WebAssembly, threads, timers or Node; what QuickJS has stays inside.
  {
    name: 'Node, browser and host globals are absent',
    category: 'platform',
    code: `return [
      typeof process, typeof require, typeof module, typeof exports, typeof fetch, typeof XMLHttpRequest,
      typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask, typeof Buffer, typeof global,
      typeof WebAssembly, typeof Atomics, typeof std, typeof os, typeof Deno, typeof Bun, typeof Worker, typeof postMessage,
    ]`,
    expect: { ok: equals(Array(20).fill('undefined')) },
  },
  {
    name: 'compiling WebAssembly',
    category: 'platform',
    code: 'return new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))',
    expect: { error: 'ReferenceError', message: /'WebAssembly' is not defined/ },
  },
  {
    name: 'Atomics.wait on a SharedArrayBuffer to block the thread',
    category: 'platform',
    code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Infinity)',
    expect: { error: 'ReferenceError', message: /'Atomics' is not defined/ },
  },
  {
    name: 'a 1 GiB SharedArrayBuffer',
    category: 'platform',
    code: 'return new SharedArrayBuffer(2 ** 30).byteLength',
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'waiting on setTimeout',
    category: 'platform',
    code: 'await new Promise((resolve) => setTimeout(resolve, 10)); return "woke"',
    expect: { error: 'ReferenceError', message: /'setTimeout' is not defined/ },
  },
  {
    name: 'a FinalizationRegistry callback that spins',
    category: 'platform',
    code: 'const registry = new FinalizationRegistry(() => { for (;;) {} }); for (let i = 0; i < 1e5; i++) registry.register({}, i); return "registered"',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },

  // Pollution: whatever a run changes, the next run (in the same worker) does not see.
  {
    name: 'globals planted for the next run',
    category: 'pollution',
    code: 'globalThis.process = { env: {} }; globalThis.require = () => 1; globalThis.leak = "from the last run"; var declared = 1; return "planted"',
    expect: { ok: equals('planted') },
  },
  {
    name: 'prototypes poisoned for the next run',
    category: 'pollution',
    code: `
      Object.prototype.polluted = true;
      Object.defineProperty(Object.prototype, 'then', { get() { for (;;) {} }, configurable: true });
      Array.prototype.push = function () { throw new Error('poisoned') };
      String.prototype.slice = () => 'x'.repeat(1e6);
      Function.prototype.call = null;
      JSON.stringify = () => '"forged"';
      return 'poisoned';`,
    expect: { ok: equals('poisoned') },
  },
  {
    name: 'JSON, Promise, Map, String and Array.isArray replaced before a tool call',
    category: 'pollution',
    code: `
      JSON.stringify = () => ({ not: 'a string' });
      JSON.parse = () => 1;
      Object.keys = () => [];
      Array.isArray = () => true;
      globalThis.Map = undefined;
      globalThis.String = () => ({ evil: true });
      globalThis.Promise = undefined;
      const echoed = await testServer.echo({ a: [1, 2], b: 'text' });
      console.log('after', echoed);
      return echoed;`,
    expect: { ok: all(equals({ a: [1, 2], b: 'text' }), (run) => (run.logs[0]?.text === 'after {"a":[1,2],"b":"text"}' ? undefined : `log ${json(run.logs)}`)) },
  },
  {
    name: 'Promise.prototype.then replaced to hijack tool results',
    category: 'pollution',
    code: 'Promise.prototype.then = function () { return "hijacked" }; return await testServer.echo({ genuine: true })',
    expect: { ok: equals({ genuine: true }) },
  },
  {
    name: 'Object.prototype.then makes every object a thenable',
    category: 'pollution',
    code: 'Object.prototype.then = function (resolve) { delete Object.prototype.then; resolve(42) }; return await testServer.echo({ a: 1 })',
    expect: { ok: equals(42) },
  },
  {
    name: 'Promise[Symbol.species] that spins',
    category: 'pollution',
    code: 'Object.defineProperty(Promise, Symbol.species, { get() { for (;;) {} } }); return await testServer.echo({ a: 1 })',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: "globalThis's prototype replaced by a spinning Proxy",
    category: 'pollution',
    code: 'Object.setPrototypeOf(globalThis, new Proxy({}, { has() { for (;;) {} }, get() { for (;;) {} } })); return await testServer.echo({ a: 1 })',
    expect: { ok: equals({ a: 1 }) },
  },
  {
    name: 'globalThis and every prototype frozen',
    category: 'pollution',
    code: 'for (const value of [globalThis, Object.prototype, Array.prototype, Function.prototype, Promise.prototype, Promise]) Object.freeze(value); console.log("frozen"); return await testServer.getSum({ a: 1, b: 2 })',
    expect: { ok: equals({ sum: 3 }) },
  },

  // CPU: the time limit ends every kind of spin, including ones that catch the interrupt.
  {
    name: 'while (true) {}',
    category: 'cpu',
    code: 'while (true) {}',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'a loop that catches and swallows the time-limit interrupt',
    category: 'cpu',
    code: 'let caught = 0; for (;;) { try { while (true) {} } catch (e) { caught++ } }',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'a finally block that restarts the loop after the interrupt',
    category: 'cpu',
    code: 'for (;;) { try { while (true) {} } finally { continue } }',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'catching the interrupt, then calling a tool',
    category: 'cpu',
    code: 'try { for (;;) {} } catch (e) {} return await testServer.echo({ escaped: true })',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
    afterwards: (stats) => (stats.calls.length === 0 ? undefined : `the tool was called after the interrupt: ${json(stats.calls)}`),
  },
  {
    name: 'an infinite loop in a promise callback',
    category: 'cpu',
    code: 'await Promise.resolve().then(() => { for (;;) {} })',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'an infinite loop after a tool call',
    category: 'cpu',
    code: 'await testServer.echo({}); while (true) {}',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'catastrophic regular expression backtracking',
    category: 'cpu',
    code: 'return /^(a+)+$/.test("a".repeat(40) + "b")',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'sorting a large array with a comparator, forever',
    category: 'cpu',
    code: 'const a = Array.from({ length: 1e5 }, (_, i) => (i * 7919) % 100003); for (;;) a.sort((x, y) => x - y)',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'native sorting that checks no interrupts (the worker is terminated)',
    category: 'cpu',
    code: 'const a = Array.from({ length: 2e5 }, (_, i) => (i * 7919) % 1000003); for (;;) a.sort()',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs', message: /did not stop by itself and its sandbox was terminated/ },
  },
  {
    name: 'includes() over a sparse array of length 2^32-1 (the worker is terminated)',
    category: 'cpu',
    code: 'const a = []; a.length = 2 ** 32 - 1; return a.includes(1)',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs', message: /did not stop by itself and its sandbox was terminated/ },
  },
  {
    name: 'filling a typed array in a loop, where interrupt checks come seldom',
    category: 'cpu',
    // Whether the interrupt or the watchdog ends it depends on the machine; either is the time limit.
    code: 'const bytes = new Uint8Array(8 * 1024 * 1024); for (;;) bytes.fill(1)',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'an endless async generator',
    category: 'cpu',
    code: 'async function* forever() { for (;;) yield 1 } for await (const item of forever()) {}',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'a getter that spins inside console.log',
    category: 'cpu',
    code: 'console.log({ get x() { for (;;) {} } })',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },

  // Microtasks: job floods are guest time like any other.
  {
    name: 'for (;;) await null',
    category: 'microtasks',
    code: 'for (;;) await null;',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'a self-scheduling microtask storm',
    category: 'microtasks',
    code: 'const spin = () => { Promise.resolve().then(spin) }; spin(); await new Promise(() => {})',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'a thenable that resolves to itself',
    category: 'microtasks',
    code: 'const t = { then(resolve) { resolve(t) } }; await t;',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'an endless promise chain built synchronously',
    category: 'microtasks',
    code: 'let p = Promise.resolve(); for (;;) p = p.then(() => {});',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },

  // Memory: every kind of allocation meets the same cap, and the error says so.
  {
    name: 'strings kept in an array',
    category: 'memory',
    code: 'const keep = []; for (let i = 0; ; i++) keep.push("x".repeat(100000) + i);',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'arrays of numbers',
    category: 'memory',
    code: 'const keep = []; for (;;) keep.push(new Array(100000).fill(1));',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'typed arrays, whose bytes live outside the object heap',
    category: 'memory',
    code: 'const keep = []; for (;;) keep.push(new Uint8Array(1 << 20));',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'a Map that never stops growing',
    category: 'memory',
    code: 'const map = new Map(); for (let i = 0; ; i++) map.set(i, { i });',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'closures holding their scopes',
    category: 'memory',
    code: 'const keep = []; for (let i = 0; ; i++) { const scope = [i, i, i]; keep.push(() => scope); }',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'an ever deeper object',
    category: 'memory',
    code: 'let o = {}; for (;;) o = { o, pad: [1, 2, 3, 4] };',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'one object with ever more keys',
    category: 'memory',
    code: 'const o = {}; for (let i = 0; ; i++) o["key" + i] = i;',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'a 100 MB string',
    category: 'memory',
    code: 'return "x".repeat(100 * 1024 * 1024).length',
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'a string doubled until QuickJS refuses it',
    category: 'memory',
    code: 'let s = "x"; for (;;) s += s;',
    limits: MEMORY_BOMB,
    // QuickJS builds long concatenations lazily and stops at 2^30 characters before spending memory.
    expect: { error: 'InternalError', message: /string too long/ },
  },
  {
    name: 'a memory bomb in a promise job',
    category: 'memory',
    code: 'await Promise.resolve().then(() => { const keep = []; for (;;) keep.push("y".repeat(1e5) + Math.random()); })',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'a memory bomb while a tool call is in flight',
    category: 'memory',
    code: 'const pending = testServer.sleep({ ms: 2000 }); const keep = []; for (;;) keep.push(new Array(1e5).fill(2)); await pending',
    limits: MEMORY_BOMB,
    expect: { error: 'MemoryLimitError', limit: 'memoryMb', message: /Still running, then cancelled: test-server\.sleep/ },
    afterwards: (stats) => (stats.aborted === 1 ? undefined : `the call in flight was not cancelled (${stats.aborted} aborted)`),
  },
  {
    name: 'out-of-memory errors caught by the script, which carries on within the cap',
    category: 'memory',
    code: 'let caught = 0; for (let k = 0; k < 3; k++) { try { const keep = []; for (;;) keep.push(new Array(1e5).fill(1)); } catch (e) { caught++ } } return { caught, sum: (await testServer.getSum({ a: 1, b: 1 })).sum }',
    limits: MEMORY_BOMB,
    expect: { ok: equals({ caught: 3, sum: 2 }) },
  },

  // Stack: recursion through anything ends at the stack limit, including native recursion.
  {
    name: 'plain recursion',
    category: 'stack',
    code: 'function down(n) { return down(n + 1) + 1 }\nreturn down(0)',
    expect: {
      error: 'StackLimitError',
      limit: 'stackKb',
      check: (run) =>
        run.error?.line !== 1 ? `reported at line ${run.error?.line}, not 1` : run.error.stack!.split('\n').length > 13 ? 'recursive frames were not folded' : undefined,
    },
  },
  {
    name: 'async recursion',
    category: 'stack',
    code: 'async function down(n) { return down(n + 1) } await down(0)',
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },
  {
    name: 'recursion through a getter',
    category: 'stack',
    code: 'const o = { get x() { return this.x } }; return o.x',
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },
  {
    name: 'recursion through toString',
    category: 'stack',
    code: 'const o = { toString() { return String(this) } }; return String(o)',
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },
  {
    name: 'recursion through a Proxy trap',
    category: 'stack',
    code: 'const p = new Proxy({}, { get(target, key, receiver) { return receiver[key] } }); return p.anything',
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },
  {
    name: 'JSON.parse of 100,000 nested arrays',
    category: 'stack',
    code: 'return JSON.parse("[".repeat(1e5) + "]".repeat(1e5)).length',
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },
  {
    name: 'JSON.stringify of 100,000 nested arrays (native recursion; the worker is replaced)',
    category: 'stack',
    code: 'let a = []; for (let i = 0; i < 1e5; i++) a = [a]; return JSON.stringify(a).length',
    // QuickJS checks for cycles at every level, so reaching the overflow takes seconds.
    limits: { timeoutMs: 10_000 },
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },
  {
    name: 'eval of source nested 100,000 brackets deep (the parser recurses natively)',
    category: 'stack',
    code: 'return eval("[".repeat(1e5) + "]".repeat(1e5)).length',
    expect: { error: 'StackLimitError', limit: 'stackKb' },
  },

  // Output: logs are capped with a notice, and logging past the cap costs next to nothing.
  {
    name: 'a million log lines',
    category: 'output',
    code: 'for (let i = 0; i < 1e6; i++) console.log("line " + i); return "done"',
    limits: { timeoutMs: 10_000 },
    expect: { ok: all(equals('done'), logsCapped(true)) },
  },
  {
    name: 'one 8 MB log line',
    category: 'output',
    code: 'console.log("x".repeat(8 * 1024 * 1024)); return "done"',
    expect: { ok: all(equals('done'), logsCapped(true)) },
  },
  {
    name: 'an endless flood of empty lines',
    category: 'output',
    code: 'for (;;) console.log()',
    limits: { maxOutputBytes: 1024 },
    expect: {
      error: 'TimeLimitError',
      limit: 'timeoutMs',
      check: all(logsCapped(true), (run) => (run.logs.length <= 1024 / 16 + 1 ? undefined : `${run.logs.length} log entries`)),
    },
  },
  {
    name: 'logging cyclic objects, and a toJSON that returns a cycle',
    category: 'output',
    code: 'const a = { name: "a" }; a.self = a; const list = [a]; list.push(list); console.log(a, list, { toJSON() { return a } }); return "done"',
    expect: { ok: (run) => (run.logs[0]?.text === '{"name":"a","self":"[Circular]"} [{"name":"a","self":"[Circular]"},"[Circular]"] {"name":"a","self":"[Circular]"}' ? undefined : `logged ${json(run.logs)}`) },
  },
  {
    name: 'logging an array of 2 million numbers',
    category: 'output',
    code: 'console.log(new Array(2e6).fill(7)); return "done"',
    limits: { timeoutMs: 10_000 },
    expect: { ok: all(equals('done'), logsCapped(true)) },
  },
  {
    name: 'logging a Proxy that claims 4 billion items',
    category: 'output',
    code: 'console.log(new Proxy([], { get: (target, key) => (key === "length" ? 2 ** 32 - 1 : 1) })); return "done"',
    limits: { maxOutputBytes: 64 * 1024 },
    expect: { ok: all(equals('done'), logsCapped(true)) },
  },
  {
    name: 'NUL characters and lone surrogates in logs and results',
    category: 'output',
    code: 'console.log("a\\u0000b\\uD800c"); return "d\\u0000e\\uDFFF"',
    expect: { ok: all(equals('d\u0000e\uDFFF'), (run) => (run.logs[0]?.text === 'a\u0000b\uD800c' ? undefined : `logged ${json(run.logs)}`)) },
  },

  // Results: what cannot be JSON is named; what is too big is refused before it is built.
  {
    name: 'a cyclic result',
    category: 'result',
    code: 'const o = { list: [] }; o.list.push(o); return o',
    expect: { error: 'TypeError', message: /the result\.list\[0\] refers back to the result \(a cycle\)/ },
  },
  {
    name: 'a BigInt result',
    category: 'result',
    code: 'return { total: 10n ** 30n }',
    expect: { error: 'TypeError', message: /the result\.total is a BigInt/ },
  },
  {
    name: 'a Symbol, a function and a Map as results',
    category: 'result',
    code: 'return { s: Symbol("s"), f() {}, m: new Map([[1, 2]]) }',
    expect: { error: 'TypeError', message: /the result\.s is a Symbol/ },
  },
  {
    name: 'a 100 MB string result',
    category: 'result',
    code: 'return "r".repeat(100 * 1024 * 1024)',
    expect: { error: 'MemoryLimitError', limit: 'memoryMb' },
  },
  {
    name: 'a 10 MB string result, refused before it is copied',
    category: 'result',
    code: 'return "r".repeat(10 * 1024 * 1024)',
    expect: { error: 'OutputLimitError', limit: 'maxOutputBytes', message: /at least 10485762 bytes/ },
  },
  {
    name: 'a result nested 100,000 levels deep',
    category: 'result',
    code: 'let o = {}; for (let i = 0; i < 1e5; i++) o = { o }; return o',
    expect: { error: 'TypeError', message: /nested more than 1000 levels deep/ },
  },
  {
    name: 'a sparse array of length 2^32-1 as the result',
    category: 'result',
    code: 'const a = []; a.length = 2 ** 32 - 1; return a',
    expect: { error: 'OutputLimitError', limit: 'maxOutputBytes' },
  },
  {
    name: 'a Proxy as the result is sent as the data it shows',
    category: 'result',
    code: 'return new Proxy({ shown: 1 }, { get: (target, key) => (key === "toJSON" ? undefined : target[key]) })',
    expect: { ok: equals({ shown: 1 }) },
  },
  {
    name: 'a Proxy result whose ownKeys spins',
    category: 'result',
    code: 'return new Proxy({}, { ownKeys() { for (;;) {} } })',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'a result whose getter throws',
    category: 'result',
    code: 'return { get bad() { throw new Error("gotcha") } }',
    expect: { error: 'Error', message: /gotcha/ },
  },
  {
    name: 'a result whose toJSON spins',
    category: 'result',
    code: 'return { toJSON() { for (;;) {} } }',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },

  // Tool arguments: checked and bounded before they leave the sandbox.
  {
    name: 'arguments too large for a tool call',
    category: 'arguments',
    code: (limits) => `return await testServer.echo({ blob: "z".repeat(${Math.round(limits.memoryMb * 0.3)} * 1024 * 1024) })`,
    expect: { error: 'RangeError', message: /testServer\.echo argument is too large: .*\(memoryMb\)/ },
    afterwards: (stats) => (stats.calls.length === 0 ? undefined : 'the oversized call reached the tool'),
  },
  {
    name: 'half a megabyte of arguments, sent intact',
    category: 'arguments',
    code: 'const r = await testServer.echo({ blob: "z".repeat(500000) }); return r.blob.length',
    expect: { ok: equals(500000) },
  },
  {
    name: 'cyclic arguments',
    category: 'arguments',
    code: 'const a = { x: 1 }; a.self = a; return await testServer.echo(a)',
    expect: { error: 'TypeError', message: /testServer\.echo argument\.self refers back to testServer\.echo argument \(a cycle\)/ },
  },
  {
    name: 'a sparse array of length 2^32-1 as an argument',
    category: 'arguments',
    code: 'const a = []; a.length = 2 ** 32 - 1; return await testServer.echo({ a })',
    expect: { error: 'RangeError', message: /argument is too large/ },
  },
  {
    name: 'a getter that turns into a BigInt when the arguments are serialised',
    category: 'arguments',
    code: 'let reads = 0; return await testServer.echo({ get x() { return reads++ ? 10n : 1 } })',
    expect: { error: 'TypeError', message: /BigInt/ },
  },
  {
    name: 'a toJSON that returns a cycle, and one that returns an array',
    category: 'arguments',
    code: 'const c = {}; c.c = c; const errors = []; for (const toJSON of [() => c, () => [1, 2]]) { try { await testServer.echo({ toJSON }) } catch (e) { errors.push(e.name + ": " + e.message) } } return errors',
    expect: {
      ok: (run) =>
        Array.isArray(run.result) && /circular/i.test(String(run.result[0])) && /takes one object argument; its toJSON\(\) turned it into something else/.test(String(run.result[1]))
          ? undefined
          : `got ${json(run.result)}`,
    },
  },
  {
    name: 'arguments nested 100,000 levels deep',
    category: 'arguments',
    code: 'let o = {}; for (let i = 0; i < 1e5; i++) o = { o }; return await testServer.echo(o)',
    expect: { error: 'TypeError', message: /nested more than 1000 levels deep/ },
  },
  {
    name: 'a Proxy argument whose ownKeys spins',
    category: 'arguments',
    code: 'return await testServer.echo(new Proxy({}, { ownKeys() { for (;;) {} } }))',
    expect: { error: 'TimeLimitError', limit: 'timeoutMs' },
  },
  {
    name: 'starting calls without end',
    category: 'arguments',
    code: 'for (;;) testServer.hang({})',
    expect: { error: 'RangeError', message: /more than 1000 tool calls are in flight at once/ },
  },

  // Late calls: nothing a run started reaches a tool after it ends.
  {
    name: 'fire-and-forget calls',
    category: 'late calls',
    code: 'testServer.sleep({ ms: 50 }); testServer.hang({}); return "early"',
    expect: { ok: equals('early') },
    afterwards: (stats, callsAtEnd) => noCallsAfterEnd(stats, callsAtEnd) ?? (stats.aborted === 2 ? undefined : `${stats.aborted} of 2 calls were cancelled at the end`),
  },
  {
    name: 'a call from a promise that resolves after the run returned',
    category: 'late calls',
    code: 'testServer.sleep({ ms: 50 }).then(() => testServer.echo({ late: true })); return "early"',
    expect: { ok: equals('early') },
    afterwards: noCallsAfterEnd,
  },
  {
    name: 'a call scheduled just before the script throws',
    category: 'late calls',
    code: 'testServer.sleep({ ms: 50 }).finally(() => testServer.echo({ late: true })); throw new Error("stop here")',
    expect: { error: 'Error', message: /stop here/ },
    afterwards: noCallsAfterEnd,
  },
  {
    name: 'a call made by a getter of the result',
    category: 'late calls',
    code: 'return { get x() { testServer.echo({ fromGetter: true }); return 1 } }',
    expect: { ok: equals({ x: 1 }) },
    afterwards: noCallsAfterEnd,
  },

  // Throws: unhandled rejections, non-Errors and hostile errors all end as one clear error.
  {
    name: 'unhandled rejections, of the script and of a tool',
    category: 'throws',
    code: 'Promise.reject(new Error("lost")); testServer.fail({ message: "nobody awaits this" }); await testServer.sleep({ ms: 20 }); return "finished"',
    expect: { ok: equals('finished') },
  },
  {
    name: 'throw null',
    category: 'throws',
    code: 'throw null',
    expect: { error: 'Error', message: /Script threw a non-Error value: null/ },
  },
  {
    name: 'throw undefined',
    category: 'throws',
    code: 'await testServer.echo({}); throw undefined',
    expect: { error: 'Error', message: /Script threw a non-Error value: \[undefined\]/ },
  },
  {
    name: 'throwing an object whose getters throw and spin',
    category: 'throws',
    code: 'throw { get message() { throw new Error("boom") }, get name() { for (;;) {} } }',
    expect: { error: 'Error', message: /non-Error value|could not be read/ },
  },
  {
    name: 'throwing a Proxy whose every trap spins',
    category: 'throws',
    code: 'throw new Proxy({}, { get() { for (;;) {} }, ownKeys() { for (;;) {} }, getPrototypeOf() { for (;;) {} } })',
    expect: { error: 'Error', message: /could not be read/ },
  },
  {
    name: 'an Error whose name getter spins, described within a small budget',
    category: 'throws',
    code: 'const e = new Error("x"); Object.defineProperty(e, "name", { get() { for (;;) {} } }); throw e;',
    // A long time limit, to show that describing the error does not get a fresh one.
    limits: { timeoutMs: 2_000 },
    expect: { error: 'Error', message: /properties could not be read/, check: (run) => (run.durationMs < 1_000 ? undefined : `describing the error took ${Math.round(run.durationMs)} ms`) },
  },
  {
    name: 'an Error thrown after String was replaced',
    category: 'throws',
    code: 'globalThis.String = () => ({ evil: true }); throw new TypeError("plain")',
    expect: { error: 'TypeError', message: /^plain/ },
  },
  {
    name: 'an Error with a 1 MB name and a message of a quarter of the memory limit',
    category: 'throws',
    code: (limits) => `throw Object.create(Error.prototype, { name: { value: "N".repeat(1 << 20) }, message: { get() { return "m".repeat(${limits.memoryMb / 4} * 1024 * 1024) } } })`,
    expect: {
      error: 'N'.repeat(200) + ' … [1048376 more characters cut]',
      check: (run, limits) => (run.error!.message.length <= limits.maxOutputBytes + 1000 ? undefined : `a message of ${run.error!.message.length} characters`),
    },
  },

  // Stalls: a run that can never finish ends at once, or at the wall clock when a tool holds it.
  {
    name: 'awaiting a promise that never settles',
    category: 'stalls',
    code: 'await new Promise(() => {}); return 1',
    expect: { error: 'StalledError' },
  },
  {
    name: 'returning a thenable that never calls back',
    category: 'stalls',
    code: 'return { then() {} }',
    expect: { error: 'StalledError' },
  },
  {
    name: 'a promise that awaits itself',
    category: 'stalls',
    code: 'let p; p = (async () => { await null; await p })(); await p',
    expect: { error: 'StalledError' },
  },
  {
    name: 'a tool that never answers',
    category: 'stalls',
    code: 'await testServer.hang({})',
    limits: { wallTimeoutMs: 1_500 },
    expect: {
      error: 'WallClockLimitError',
      limit: 'wallTimeoutMs',
      message: /Still running, then cancelled: test-server\.hang/,
      check: (run) => (run.calls[0]?.ok === false ? undefined : `the hanging call is recorded as ${json(run.calls[0])}`),
    },
  },
  {
    name: 'a promise that never settles while a call hangs',
    category: 'stalls',
    code: 'testServer.hang({}); await new Promise(() => {})',
    limits: { wallTimeoutMs: 1_500 },
    expect: { error: 'WallClockLimitError', limit: 'wallTimeoutMs' },
  },
];

/**
 * The next-run probe: what a run sees of the sandbox. Every case is followed by it, and its
 * answer must equal the one from the first run of the corpus: same globals, same prototypes,
 * working JSON, console and tools.
 */
const PROBE = `
const names = (value) => Reflect.ownKeys(value).map(String).sort().join(' ');
console.log('probe', 1, { ok: true });
const tools = await Promise.all([testServer.getSum({ a: 20, b: 22 }), testServer.echo({ list: [1, 'two', null] }), otherServer.readTextFile({})]);
return {
  globals: names(globalThis),
  prototypes: [Object.prototype, Array.prototype, Function.prototype, String.prototype, Promise.prototype, Error.prototype].map(names),
  json: JSON.stringify({ a: [1, { b: 2 }] }) + typeof JSON.parse('{}'),
  then: typeof ({}).then,
  tools,
};`;

export interface Probe {
  readonly result: unknown;
  readonly logs: RunResult['logs'];
}

async function probe(runner: ScriptRunner, limits: Partial<Limits>): Promise<Probe | string> {
  const run = await runner.run({ code: PROBE, provider: fixtureProvider().provider, limits, source: 'test' });
  return run.ok ? { result: run.result, logs: run.logs } : `${run.error?.name}: ${run.error?.message}`;
}

/** The probe's answer in a clean sandbox, which every later probe must match. */
export async function probeBaseline(runner: ScriptRunner, base: Partial<Limits>): Promise<Probe> {
  const answer = await probe(runner, base);
  if (typeof answer === 'string') throw new Error(`the probe failed in a clean sandbox: ${answer}`);
  return answer;
}

export interface CaseOutcome {
  readonly run: RunResult;
  readonly limits: Limits;
  readonly durationMs: number;
  /** The limit that bounds how long the case may take, and its value in ms. */
  readonly governing: { readonly name: 'timeoutMs' | 'wallTimeoutMs'; readonly ms: number };
  readonly nextRunOk: boolean;
  /** Everything that did not hold; empty when the case was contained. */
  readonly problems: readonly string[];
}

function checkExpectation(c: HostileCase, run: RunResult, limits: Limits): string | undefined {
  const expect = c.expect;
  if ('ok' in expect) {
    if (!run.ok) return `expected success, got ${run.error?.name}: ${run.error?.message.slice(0, 300)}`;
    return expect.ok(run, limits);
  }
  if (run.ok) return `expected ${expect.error}, but the run succeeded with ${json(run.result).slice(0, 200)}`;
  const error = run.error!;
  if (error.name !== expect.error) return `expected ${expect.error.slice(0, 60)}, got ${error.name.slice(0, 60)}: ${error.message.slice(0, 300)}`;
  if (expect.limit) {
    const described = LIMIT_DESCRIPTIONS[expect.limit](limits[expect.limit]);
    if (error.limit !== expect.limit) return `the error carries limit ${String(error.limit)}, not ${expect.limit}`;
    if (!error.message.includes(described)) return `the message does not name ${described}: ${error.message.slice(0, 300)}`;
  }
  if (expect.message && !expect.message.test(error.message)) return `the message does not match ${expect.message}: ${error.message.slice(0, 300)}`;
  return expect.check?.(run, limits);
}

/** Runs one case, then the probe, and reports everything that did not hold. */
export async function runCase(runner: ScriptRunner, c: HostileCase, base: Partial<Limits>, baseline: Probe): Promise<CaseOutcome> {
  const limits = resolveLimits({ ...base, ...c.limits });
  const { provider, stats } = fixtureProvider();
  const code = typeof c.code === 'function' ? c.code(limits) : c.code;
  const started = performance.now();
  const run = await runner.run({ code, provider, limits, source: 'test' });
  const durationMs = performance.now() - started;
  const callsAtEnd = stats.calls.length;

  const problems: string[] = [];
  const wrong = checkExpectation(c, run, limits);
  if (wrong) problems.push(wrong);
  const governing =
    !('ok' in c.expect) && c.expect.limit === 'wallTimeoutMs'
      ? { name: 'wallTimeoutMs' as const, ms: limits.wallTimeoutMs }
      : { name: 'timeoutMs' as const, ms: limits.timeoutMs + (c.waitsMs ?? 0) };
  if (durationMs > governing.ms + CONTAINMENT_GRACE_MS) {
    problems.push(`took ${formatMs(durationMs)}, over ${governing.name} (${formatMs(governing.ms)}) plus the ${formatMs(CONTAINMENT_GRACE_MS)} grace`);
  }

  const next = await probe(runner, base);
  const nextRunOk = typeof next !== 'string' && isDeepStrictEqual(next, baseline);
  if (!nextRunOk) problems.push(`the next run ${typeof next === 'string' ? `failed: ${next}` : `saw a different sandbox: ${json(next).slice(0, 400)}`}`);

  if (c.afterwards) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    const late = c.afterwards(stats, callsAtEnd);
    if (late) problems.push(late);
  }
  return { run, limits, durationMs, governing, nextRunOk, problems };
}

/** Counts what must never happen in the host while the corpus runs. */
export function watchHost(): { readonly stop: () => { unhandledRejections: number } } {
  let unhandledRejections = 0;
  const onRejection = (): void => {
    unhandledRejections++;
  };
  process.on('unhandledRejection', onRejection);
  return {
    stop: () => {
      process.off('unhandledRejection', onRejection);
      return { unhandledRejections };
    },
  };
}

const CATEGORY_TITLES: Record<HostileCategory, string> = {
  escape: 'Escapes through constructors, prototypes, Function, eval, Reflect',
  modules: 'Modules: import, import(), import.meta, require',
  platform: 'WebAssembly, SharedArrayBuffer/Atomics, timers, host globals',
  pollution: 'Globals and prototypes changed for the next run or to confuse the host',
  cpu: 'CPU: loops, caught interrupts, backtracking, native loops',
  microtasks: 'Microtask floods and endless promise chains',
  memory: 'Memory: strings, arrays, typed arrays, Maps, closures, objects',
  stack: 'Stack: recursion through calls, getters, toString, Proxy, JSON, the parser',
  output: 'Output floods: many lines, huge lines, cycles',
  result: 'Huge, cyclic and exotic results',
  arguments: 'Huge, cyclic and exotic tool arguments',
  'late calls': 'Tool calls after the run ends',
  throws: 'Unhandled rejections and thrown non-Errors',
  stalls: 'Promises that never settle',
};

function limitCell(outcome: CaseOutcome, c: HostileCase): string {
  if (!('ok' in c.expect) && c.expect.limit && c.expect.limit !== 'timeoutMs' && c.expect.limit !== 'wallTimeoutMs') {
    const limit = c.expect.limit;
    const value = outcome.limits[limit];
    return `${limit} ${limit === 'memoryMb' ? `${value} MiB` : limit === 'stackKb' ? `${value} KiB` : `${value} B`}`;
  }
  return `${outcome.governing.name} ${formatMs(outcome.governing.ms)}`;
}

/** The corpus against the real sandbox with the default limits, for `npm run stress`. */
export async function hostileSection(): Promise<StressSection> {
  const base: Partial<Limits> = {};
  const runner = new ScriptRunner(new SandboxPool({ maxIdle: 2 }));
  const failures: string[] = [];
  const rows: (string | number)[][] = [];
  const byCategory = new Map<HostileCategory, { cases: number; contained: number; slowest: number }>();
  let containedCount = 0;
  try {
    await runner.warm();
    const baseline = await probeBaseline(runner, base);
    const host = watchHost();
    const rssBefore = process.memoryUsage().rss;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    for (const [index, c] of HOSTILE_CASES.entries()) {
      const outcome = await runCase(runner, c, base, baseline);
      const contained = outcome.problems.length === 0;
      if (contained) containedCount++;
      for (const problem of outcome.problems) failures.push(`${c.name}: ${problem}`);
      const tally = byCategory.get(c.category) ?? { cases: 0, contained: 0, slowest: 0 };
      byCategory.set(c.category, { cases: tally.cases + 1, contained: tally.contained + (contained ? 1 : 0), slowest: Math.max(tally.slowest, outcome.durationMs) });
      const error = outcome.run.error;
      rows.push([
        index + 1,
        c.name,
        c.category,
        contained ? 'contained' : 'FAILED',
        error ? error.name.slice(0, 40) : 'ok',
        formatMs(outcome.durationMs),
        limitCell(outcome, c),
        outcome.nextRunOk ? 'yes' : 'NO',
      ]);
      process.stdout.write(`${contained ? '.' : 'F'}`);
    }
    process.stdout.write('\n');
    const totalMs = performance.now() - started;
    delay.disable();
    (globalThis as { gc?: () => void }).gc?.();
    const rssAfter = process.memoryUsage().rss;
    const { unhandledRejections } = host.stop();
    if (unhandledRejections > 0) failures.push(`${unhandledRejections} unhandled promise rejections in the host during the corpus`);

    const limits = resolveLimits(base);
    const body = [
      `${HOSTILE_CASES.length} attack and accident scripts (\`test/stress/hostile.ts\`), run one after another in the real QuickJS sandbox with the default limits (time ${formatMs(limits.timeoutMs)}, wall clock ${formatMs(limits.wallTimeoutMs)}, memory ${limits.memoryMb} MiB, stack ${limits.stackKb} KiB, output ${formatMb(limits.maxOutputBytes)}) unless a case says otherwise: memory bombs get ${formatMs(MEMORY_BOMB.timeoutMs!)} so that memory is what stops them, and stalls on a hanging tool a 1.5 s wall clock. A case is **contained** when it ends with the expected error — its name, and for a limit the limit's name and value in the message — or the expected value; within its governing limit plus ${formatMs(CONTAINMENT_GRACE_MS)} (the pool terminates a worker that ignores its time limit for 1 s); and when the next run, in the same worker where it survived, sees exactly the globals, prototypes, console and tools of a run in a fresh sandbox. Cases about tool calls also check that no call reached a tool after the run ended.`,
      '',
      table(
        ['Cases', 'Contained', 'Host event-loop delay (max)', 'Host RSS before → after', 'Unhandled rejections in the host', 'Total time'],
        [[HOSTILE_CASES.length, containedCount, formatMs(delay.max / 1e6), `${formatMb(rssBefore)} → ${formatMb(rssAfter)}`, unhandledRejections, formatMs(totalMs)]],
      ),
      '',
      table(
        ['Category', 'Cases', 'Contained', 'Slowest'],
        [...byCategory].map(([category, tally]) => [CATEGORY_TITLES[category], tally.cases, tally.contained, formatMs(tally.slowest)]),
      ),
      '',
      'Every case: the error it ended with, the time from starting the run to its end, and the limit that bounds that time (for memory and stack cases, the limit the error names).',
      '',
      table(['#', 'Case', 'Category', 'Outcome', 'Error', 'Time', 'Limit', 'Next run worked'], rows),
    ].join('\n');
    return { title: 'Hostile scripts', body, failures };
  } finally {
    runner.dispose();
  }
}
