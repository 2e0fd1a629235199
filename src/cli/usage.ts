// The command line's words: usage text and the error that means "used wrongly" (exit 2).

import { DEFAULT_MODEL_OUTPUT_CHARS } from '../core/modelTools';
import { DEFAULT_LIMITS } from '../core/sandbox/limits';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage:
  codemode run <file|-> [options]        Run a script (TypeScript or JavaScript) in the sandbox
  codemode tools [query] [options]       List the configured servers and their tools, or search them
  codemode types --out <dir> [options]   Write TypeScript declarations for every server's tools
  codemode serve [options]               Be an MCP server with two tools, codemode_run and
                                         codemode_search, over every configured server

Options:
  --config <file>       .vscode/mcp.json, or a settings.json with "codemode.servers"
                        (default: ./.vscode/mcp.json)
  --json                machine-readable output on stdout
  --verbose             show the servers' own logs (stderr) on stderr

Options for run:
  --timeout-ms N        sandbox execution time limit (default ${DEFAULT_LIMITS.timeoutMs})
  --wall-timeout-ms N   whole-run wall-clock limit (default ${DEFAULT_LIMITS.wallTimeoutMs})
  --call-timeout-ms N   per tool call timeout (default ${DEFAULT_LIMITS.callTimeoutMs})
  --memory-mb N         guest memory limit in MiB (default ${DEFAULT_LIMITS.memoryMb})

Options for serve (the run limits above apply to every run; there is no --json):
  --port N              speak Streamable HTTP at http://127.0.0.1:N/mcp instead of stdio
  --host H              listen on H instead of 127.0.0.1 (requests may then name H as
                        their Host; 0.0.0.0 or :: accepts any Host). There is no authentication.
  --max-output-chars N  most text one run returns to the client (default ${DEFAULT_MODEL_OUTPUT_CHARS})
  --session-idle-s N    with --port: close a session after N seconds without a request
                        (default 1800), for clients that vanish without ending theirs
  Logs go to stderr; serve stops on SIGINT, SIGTERM or (stdio) the end of standard input.

Inputs: a server's \${input:ID} is read from the environment variable CODEMODE_INPUT_<ID>
(upper case, other characters as _), or asked for when the terminal is interactive (never by
serve: without the variable, that server fails with an error naming it).

Exit status: 0 success, 1 the script (or a server) failed, 2 usage or configuration error.

  codemode --help | --version`;
