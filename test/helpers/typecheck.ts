// Type-checks generated declarations (and optionally a script against them) with the real
// TypeScript compiler under --strict, in memory, the way a script file in the workspace is checked.

import path from 'node:path';
import ts from 'typescript';

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: false,
  noUnusedLocals: false,
};

/**
 * The standard library's source files, parsed once per process: every check uses the same options,
 * and a parsed file can be shared between programs (the language service does the same).
 */
const libraryFiles = new Map<string, ts.SourceFile | undefined>();

/** Returns one line per diagnostic (`file:line: message`); empty when everything compiles. */
export function typeCheck(files: ReadonlyMap<string, string>): string[] {
  const root = '/virtual';
  const inMemory = new Map([...files].map(([name, text]) => [path.join(root, name), text]));
  const host = ts.createCompilerHost(OPTIONS);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (file) => inMemory.get(file) ?? readFile(file);
  host.fileExists = (file) => inMemory.has(file) || fileExists(file);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, version, onError) => {
    const text = inMemory.get(file);
    if (text !== undefined) return ts.createSourceFile(file, text, version);
    if (!libraryFiles.has(file)) libraryFiles.set(file, getSourceFile(file, version, onError));
    return libraryFiles.get(file);
  };
  const program = ts.createProgram([...inMemory.keys()], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${path.relative(root, diagnostic.file.fileName)}:${line + 1}: ${message}`;
  });
}
