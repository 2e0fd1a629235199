// Command-line tools as a tool source: each configured tool runs one program with its argument
// template filled from the script's (checked) values, without a shell, in the workspace folder
// (or the configured cwd), with a timeout; its output becomes text, JSON or lines. Only a
// trusted workspace builds these at all (see src/vscode/servers.ts).

import path from 'node:path';
import type { CommandSourceDefinition, CommandToolDefinition } from '../../config/types';
import type { Resolver } from '../../config/variables';
import { ToolCallError } from '../../provider';
import { PreparedSource, type Prepared, type SourceOptions } from '../prepared';
import { checkArguments, expandArguments, parseTemplate, type ArgumentTemplate, type TemplatePart } from './arguments';
import { runProgram } from './process';

/** Enough for any listing a script would filter; more is a runaway program. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
const STDERR_TAIL_CHARS = 500;

interface PreparedTool {
  readonly definition: CommandToolDefinition;
  readonly command: string;
  readonly templates: readonly ArgumentTemplate[];
}

interface Commands {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tools: ReadonlyMap<string, PreparedTool>;
}

/** The tool's result from its standard output. */
function parseOutput(tool: CommandToolDefinition, stdout: string): unknown {
  if (tool.output === 'lines') return stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (tool.output === 'text') return stdout.trim();
  try {
    return JSON.parse(stdout) as unknown;
  } catch (error) {
    const start = stdout.trim().slice(0, 200);
    throw new ToolCallError(`"${tool.command}" did not print JSON (${(error as Error).message.replace(/\s+/g, ' ')})${start ? `; its output begins: ${start}` : '; its output was empty'}`);
  }
}

export class CommandSource extends PreparedSource<Commands> {
  readonly kind = 'command' as const;

  constructor(
    private readonly definition: CommandSourceDefinition,
    options: SourceOptions,
  ) {
    super(definition.name, definition.source, options);
  }

  protected async prepare(resolver: Resolver): Promise<Prepared<Commands>> {
    const definition = this.definition;
    const folder = this.options.variables.workspaceFolder ?? process.cwd();
    const cwd = definition.cwd === undefined ? folder : path.resolve(folder, await resolver.text(definition.cwd, 'cwd'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.options.variables.env)) if (value !== undefined) env[key] = value;
    for (const [key, value] of Object.entries(definition.env)) {
      if (value === null) delete env[key];
      else env[key] = await resolver.envValue(value, `env.${key}`);
    }
    const tools = new Map<string, PreparedTool>();
    for (const tool of definition.tools) {
      const names = new Set(Object.keys(tool.parameters));
      const templates: ArgumentTemplate[] = [];
      // Variables resolve in the template's own text only: a value from a script is never read for ${…}.
      for (const [index, arg] of tool.args.entries()) {
        const parts: TemplatePart[] = [];
        for (const part of parseTemplate(arg, names)) parts.push('text' in part ? { text: await resolver.text(part.text, `tools.${tool.name}.args[${index}]`) } : part);
        templates.push(parts);
      }
      tools.set(tool.name, { definition: tool, command: await resolver.text(tool.command, `tools.${tool.name}.command`), templates });
    }
    return {
      value: { cwd, env, tools },
      tools: definition.tools.map((tool) => ({
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        inputSchema: { type: 'object', properties: tool.parameters, ...(tool.required.length > 0 ? { required: tool.required } : {}), additionalProperties: false },
        ...(tool.output === 'lines' ? { outputSchema: { type: 'array', items: { type: 'string' } } } : tool.output === 'text' ? { outputSchema: { type: 'string' } } : {}),
      })),
    };
  }

  protected async invoke(commands: Commands, name: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    const tool = commands.tools.get(name);
    if (!tool) throw new ToolCallError(`no tool "${name}"`);
    const argv = expandArguments(tool.templates, checkArguments(tool.definition, args));
    const outcome = await runProgram(tool.command, argv, { cwd: commands.cwd, env: commands.env, timeoutMs: tool.definition.timeoutMs ?? timeoutMs, signal, maxOutputBytes: MAX_OUTPUT_BYTES });
    if (outcome.code !== 0) {
      const tail = outcome.stderr.trim().slice(-STDERR_TAIL_CHARS);
      const how = outcome.code === null ? `was killed by ${outcome.signal ?? 'a signal'}` : `exited with code ${outcome.code}`;
      throw new ToolCallError(`"${tool.command}" ${how}${tail ? `: ${tail}` : ''}`);
    }
    return parseOutput(tool.definition, outcome.stdout);
  }
}
