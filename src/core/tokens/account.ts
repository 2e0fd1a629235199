// A run's token account: what entered the model's context with code mode, beside what the same
// work would have cost with one-by-one tool calling. The panel shows it for every run and the
// benchmark suite uses it for its token rows, so both count the same things the same way.
//
// Code mode: the API text the model read (declarations given or looked up), Code Mode's own tool
//   definitions, the script, and the output the run returned to the model.
// Direct calling: every available tool's definition (as a tool-calling API sends it), and for each
//   call its arguments and its full result (or error) as the model would have read them.
// It is an estimate: chat templates add a few tokens per message that neither side counts.

import type { JsonSchema, ToolInfo } from '../provider';

/** Counts the tokens in a text. */
export type CountTokens = (text: string) => number;

export interface TokenItem {
  readonly label: string;
  readonly tokens: number;
  /** How many things the line adds up (tools, calls), when more than one. */
  readonly count?: number;
}

export interface TokenSide {
  readonly items: readonly TokenItem[];
  readonly total: number;
}

export interface TokenAccount {
  /** The tokenizer's name, shown beside the figures. */
  readonly tokenizer: string;
  readonly codeMode: TokenSide;
  readonly direct: TokenSide;
  /** Characters estimated from the counted text's ratio instead of counted (very large texts). */
  readonly estimatedChars: number;
}

/** One tool call as the account sees it. */
export interface AccountedCall {
  readonly args: unknown;
  /** The tool's result as the script received it; absent when the call failed. */
  readonly result?: unknown;
  readonly error?: string;
}

/** A tool definition as the model reads it in a tool-calling request. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: JsonSchema;
}

export interface AccountInput {
  /** Every tool a direct-calling agent would have been given. */
  readonly tools: readonly ToolInfo[];
  /** The declarations the model read to write the script. */
  readonly apiText: string;
  /** Says where `apiText` came from, for the panel. */
  readonly apiLabel: string;
  /** Code Mode's own tools (run, search), which the model also reads. */
  readonly codeModeTools: readonly ToolDefinition[];
  readonly script: string;
  /** What the run returned to the model. */
  readonly output: string;
  readonly calls: readonly AccountedCall[];
}

/** The JSON a tool-calling API sends the model for one tool (OpenAI and Anthropic are alike). */
export function toolDefinitionText(tool: ToolDefinition): string {
  return JSON.stringify({ name: tool.name, description: tool.description ?? '', input_schema: tool.inputSchema ?? { type: 'object' } });
}

/** What a model reads back from a call made directly: the tool's text, or its error. */
export function callResultText(call: AccountedCall): string {
  if (call.error !== undefined) return call.error;
  if (call.result === undefined) return '';
  return typeof call.result === 'string' ? call.result : JSON.stringify(call.result);
}

function argsText(args: unknown): string {
  return args === undefined ? '{}' : JSON.stringify(args);
}

function side(items: TokenItem[]): TokenSide {
  return { items, total: items.reduce((sum, item) => sum + item.tokens, 0) };
}

function sum(texts: Iterable<string>, count: CountTokens): number {
  let total = 0;
  for (const text of texts) total += count(text);
  return total;
}

export function accountTokens(input: AccountInput, counter: TokenCounter): TokenAccount {
  const count = (text: string): number => counter.count(text);
  const codeMode = side([
    { label: input.apiLabel, tokens: count(input.apiText) },
    { label: "Code Mode's tool definitions", tokens: sum(input.codeModeTools.map(toolDefinitionText), count), count: input.codeModeTools.length },
    { label: 'Script', tokens: count(input.script) },
    { label: 'Output returned to the model', tokens: count(input.output) },
  ]);
  const direct = side([
    { label: 'Tool definitions', tokens: sum(input.tools.map(toolDefinitionText), count), count: input.tools.length },
    { label: 'Call arguments', tokens: sum(input.calls.map((call) => argsText(call.args)), count), count: input.calls.length },
    { label: 'Call results', tokens: sum(input.calls.map(callResultText), count), count: input.calls.length },
  ]);
  return { tokenizer: counter.name, codeMode, direct, estimatedChars: counter.estimatedChars };
}

/**
 * Counts exactly up to a budget of characters, then estimates from the ratio seen so far, so a
 * 100 MB result costs an estimate rather than seconds of tokenising on the extension host.
 */
export class TokenCounter {
  private countedChars = 0;
  private countedTokens = 0;
  estimatedChars = 0;

  constructor(
    readonly name: string,
    private readonly exact: CountTokens,
    private readonly budgetChars = 4_000_000,
    private readonly pieceChars = 1_000_000,
  ) {}

  count(text: string): number {
    if (text.length === 0) return 0;
    const room = this.budgetChars - this.countedChars;
    const exactPart = text.length <= room ? text : text.slice(0, Math.max(0, Math.min(room, this.pieceChars)));
    let tokens = 0;
    if (exactPart.length > 0) {
      tokens = this.exact(exactPart);
      this.countedChars += exactPart.length;
      this.countedTokens += tokens;
    }
    const rest = text.length - exactPart.length;
    if (rest > 0) {
      // Four characters a token is the usual figure for English and JSON, until text has been counted.
      const ratio = this.countedTokens > 0 ? this.countedTokens / this.countedChars : 0.25;
      tokens += Math.ceil(rest * ratio);
      this.estimatedChars += rest;
    }
    return tokens;
  }
}
