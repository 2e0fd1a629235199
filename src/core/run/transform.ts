// Turns a script as written (TypeScript or JavaScript, with top-level await and return, or a lone
// async arrow function) into the JavaScript the sandbox evaluates, and maps positions in that
// JavaScript back to the script as written, so every error points at the user's own line.

import { parse, type Expression, type Program } from 'acorn';
import { TraceMap, traceSegment } from '@jridgewell/trace-mapping';
import { transform, type TransformFailure } from 'esbuild';

/** The file name QuickJS reports for the script; stack frames with it belong to the user. */
export const SCRIPT_FILE = '<script>';

export type ScriptLanguage = 'ts' | 'js';

export interface Position {
  /** 1-based line in the script as written. */
  readonly line: number;
  /** 1-based column in the script as written. */
  readonly column: number;
}

export interface PreparedScript {
  /** JavaScript to evaluate: one expression whose value is a promise of the script's result. */
  readonly code: string;
  /** Maps a 1-based line and column in {@link code} to the script as written. */
  originalPosition(line: number, column: number): Position | undefined;
}

/** The script could not be parsed; its position is in the script as written. */
export class ScriptSyntaxError extends SyntaxError {
  override name = 'SyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Picks the loader from a file name: `.js`, `.mjs` and `.cjs` are JavaScript, anything else TypeScript. */
export function languageOf(fileName: string | undefined): ScriptLanguage {
  return fileName && /\.[cm]?js$/i.test(fileName) ? 'js' : 'ts';
}

// The script becomes the body of an async arrow, which gives it top-level await and return.
// The opening sits on a line of its own so columns in the script are unchanged.
const OPEN = '(async () => {\n';
const CLOSE = '\n})()';
const CALL_PREFIX = 'return (';
const CALL_SUFFIX = ')()';

function isFunctionExpression(expression: Expression): boolean {
  return expression.type === 'ArrowFunctionExpression' || expression.type === 'FunctionExpression';
}

/**
 * Finds the script's statement list inside the wrapper in esbuild's output and, when the script is
 * a lone function expression, returns where that expression starts and ends so it can be called.
 */
function loneFunction(program: Program): { start: number; end: number } | undefined {
  const wrapper = program.body[0];
  if (wrapper?.type !== 'ExpressionStatement' || wrapper.expression.type !== 'CallExpression') return undefined;
  let arrow = wrapper.expression.callee;
  while (arrow.type === 'ParenthesizedExpression') arrow = arrow.expression;
  if (arrow.type !== 'ArrowFunctionExpression' || arrow.body.type !== 'BlockStatement') return undefined;
  const statements = arrow.body.body;
  const only = statements[0];
  if (statements.length !== 1 || only?.type !== 'ExpressionStatement') return undefined;
  let inner = only.expression;
  while (inner.type === 'ParenthesizedExpression') inner = inner.expression;
  if (!isFunctionExpression(inner)) return undefined;
  return { start: only.expression.start, end: only.expression.end };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export async function prepareScript(source: string, language: ScriptLanguage): Promise<PreparedScript> {
  // A shebang line is blanked rather than removed, to keep line numbers.
  const body = source.replace(/^#![^\n]*/, '');
  let output: { code: string; map: string };
  try {
    output = await transform(OPEN + body + CLOSE, {
      loader: language,
      sourcemap: 'external',
      sourcefile: 'script',
      target: 'es2022',
      format: undefined,
      logLevel: 'silent',
    });
  } catch (error) {
    const failure = (error as TransformFailure).errors?.[0];
    if (!failure) throw error;
    const lines = body.split('\n');
    // The wrapper adds a line before the script and one after it (where an unclosed brace is found).
    const reported = (failure.location?.line ?? 1) - 1;
    const line = Math.min(Math.max(1, reported), lines.length);
    // esbuild counts columns in UTF-8 bytes; editors count characters.
    const bytes = reported > lines.length ? Buffer.byteLength(lines[line - 1] ?? '') : (failure.location?.column ?? 0);
    const column = Buffer.from(lines[line - 1] ?? '').subarray(0, bytes).toString('utf8').length + 1;
    // Inside the wrapper a module's `import x from` or `export` reads as plain bad syntax; say why.
    const moduleSyntax = /^\s*(import\s*[\w{*'"]|export\b)/.test(lines[line - 1] ?? '');
    const hint = moduleSyntax ? ' (import and export declarations are not available: a script is not a module, and the tool namespaces are already in scope)' : '';
    throw new ScriptSyntaxError(failure.text + hint, line, column);
  }

  let code = output.code.replace(/;\s*$/, '');
  let shifted: { line: number; column: number } | undefined;
  const map = new TraceMap(output.map);
  let program: Program;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', preserveParens: true });
  } catch (error) {
    // esbuild passes through a few things only modules may use (`import.meta`); report them as
    // the syntax errors they are, at their place in the script, rather than as a failed setup.
    if (!(error instanceof SyntaxError)) throw error;
    const loc = (error as SyntaxError & { loc?: { line: number; column: number } }).loc;
    const segment = loc ? traceSegment(map, loc.line - 1, loc.column) : null;
    const [, , inputLine = 1, inputColumn = 0] = segment ?? [];
    throw new ScriptSyntaxError(error.message.replace(/ \(\d+:\d+\)$/, ''), Math.max(1, inputLine), inputColumn + 1);
  }
  const lone = loneFunction(program);
  if (lone) {
    code = code.slice(0, lone.start) + CALL_PREFIX + code.slice(lone.start, lone.end) + CALL_SUFFIX + code.slice(lone.end);
    shifted = lineAndColumn(code, lone.start);
  }

  const inputLines = (OPEN + body + CLOSE).split('\n');
  const outputLines = output.code.split('\n');
  const sourceLines = body.split('\n').length;
  return {
    code,
    originalPosition(line, column) {
      let generated = column - 1;
      if (shifted && line === shifted.line && column > shifted.column) {
        generated = Math.max(shifted.column, column - CALL_PREFIX.length) - 1;
      }
      const segment = traceSegment(map, line - 1, generated);
      if (!segment || segment.length < 4) return undefined;
      const [segmentColumn, , inputLine = 0, inputColumn = 0] = segment;
      // Line 0 of the transformed input is the wrapper's opening, the line after the script its close.
      if (inputLine < 1 || inputLine > sourceLines) return undefined;
      // A segment starts at a token; QuickJS may point inside it (at a property after a dot).
      // Step forward by the same amount when the text between is unchanged by the transform.
      const offset = generated - segmentColumn;
      const outputText = outputLines[line - 1]?.slice(segmentColumn, generated) ?? '';
      const inputText = inputLines[inputLine]?.slice(inputColumn, inputColumn + offset) ?? '';
      const exact = offset > 0 && outputText === inputText;
      return { line: inputLine, column: inputColumn + (exact ? offset : 0) + 1 };
    },
  };
}
