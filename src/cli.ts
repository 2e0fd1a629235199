// `codemode`: the engine from a terminal or CI. Exit status 0 on success, 1 when a script (or a
// server) failed, 2 for usage or configuration errors.

import { parseArgs } from 'node:util';
import { RUN_OPTIONS, runCommand } from './cli/run';
import { SERVE_OPTIONS, serveCommand } from './cli/serve';
import { toolsCommand } from './cli/tools';
import { typesCommand } from './cli/types';
import { USAGE, UsageError } from './cli/usage';

const COMMON_OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${process.env.CODEMODE_VERSION ?? 'dev'}\n`);
    return 0;
  }
  switch (command) {
    case 'run': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON_OPTIONS, ...RUN_OPTIONS } });
      return runCommand(positionals, values);
    }
    case 'tools': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: COMMON_OPTIONS });
      return toolsCommand(positionals, values);
    }
    case 'types': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON_OPTIONS, out: { type: 'string' } } });
      if (positionals.length > 0) throw new UsageError(`types takes no arguments besides options, got "${positionals.join(' ')}"`);
      return typesCommand(values);
    }
    case 'serve': {
      // No --json: in stdio mode standard output is the MCP protocol itself.
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { config: COMMON_OPTIONS.config, verbose: COMMON_OPTIONS.verbose, ...SERVE_OPTIONS } });
      return serveCommand(positionals, values);
    }
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

// A reader that stops early (`codemode tools | head`) is not an error. `serve` handles it itself:
// there the reader is the MCP client, and its going away means ending the servers before exiting.
if (process.argv[2] !== 'serve') {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`codemode: ${(error as Error).message}\n\nRun "codemode --help" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`codemode: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
