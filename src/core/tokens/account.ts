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
  /** Characters of the result left out of `result` (kept short in memory), estimated instead. */
  readonly omittedChars?: number;
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

/** Image and audio parts reach a model as media, not as their base64 text. */
function mediaAsPlaceholder(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && 'data' in value && 'type' in value) {
    const part = value as { type: unknown; data: unknown };
    if ((part.type === 'image' || part.type === 'audio') && typeof part.data === 'string') return { ...part, data: `[${part.type}]` };
  }
  return value;
}

/** What a model reads back from a call made directly: the tool's text, or its error. */
export function callResultText(call: AccountedCall): string {
  if (call.error !== undefined) return call.error;
  if (call.result === undefined) return '';
  return typeof call.result === 'string' ? call.result : (JSON.stringify(call.result, mediaAsPlaceholder) ?? '');
}

function argsText(args: unknown): string {
  return args === undefined ? '{}' : JSON.stringify(args);
}

function side(items: TokenItem[]): TokenSide {
  return { items, total: items.reduce((sum, item) => sum + item.tokens, 0) };
}

export async function accountTokens(input: AccountInput, counter: TokenCounter): Promise<TokenAccount> {
  const count = (text: string, omittedChars = 0): Promise<number> => counter.count(text, omittedChars);
  const sum = async (texts: readonly string[]): Promise<number> => {
    let total = 0;
    for (const text of texts) total += await count(text);
    return total;
  };
  const codeMode = side([
    { label: input.apiLabel, tokens: await count(input.apiText) },
    ...(input.codeModeTools.length > 0 ? [{ label: "Code Mode's tool definitions", tokens: await sum(input.codeModeTools.map(toolDefinitionText)), count: input.codeModeTools.length }] : []),
    { label: 'Script', tokens: await count(input.script) },
    { label: 'Output returned to the model', tokens: await count(input.output) },
  ]);
  let results = 0;
  for (const call of input.calls) results += await count(callResultText(call), call.omittedChars ?? 0);
  const direct = side([
    { label: 'Tool definitions', tokens: await sum(input.tools.map(toolDefinitionText)), count: input.tools.length },
    { label: 'Call arguments', tokens: await sum(input.calls.map((call) => argsText(call.args))), count: input.calls.length },
    { label: 'Call results', tokens: results, count: input.calls.length },
  ]);
  return { tokenizer: counter.name, codeMode, direct, estimatedChars: counter.estimatedChars };
}

/** Characters tokenised at a time: the tokenizer slows down sharply on long runs without breaks. */
const CHUNK_CHARS = 2_000;
/** How long counting may hold the thread before it lets other work run. */
const SLICE_MS = 8;

/**
 * Counts exactly up to a budget of characters, then estimates from the ratio seen so far, so a
 * 100 MB result costs an estimate rather than seconds of tokenising. Text is tokenised in chunks
 * (a token split at a chunk's edge counts twice: a fraction of a percent), which keeps the cost
 * linear even for text like a million `a`s, and counting yields to the event loop between slices.
 */
export class TokenCounter {
  private countedChars = 0;
  private countedTokens = 0;
  private sliceStart = performance.now();
  estimatedChars = 0;

  constructor(
    readonly name: string,
    private readonly exact: CountTokens,
    private readonly budgetChars = 1_000_000,
  ) {}

  /** Tokens in `text`, plus an estimate for `omittedChars` more characters of the same kind. */
  async count(text: string, omittedChars = 0): Promise<number> {
    const room = Math.max(0, this.budgetChars - this.countedChars);
    const exactPart = text.length <= room ? text : text.slice(0, room);
    let tokens = 0;
    for (let at = 0; at < exactPart.length; at += CHUNK_CHARS) {
      const chunk = exactPart.slice(at, at + CHUNK_CHARS);
      const chunkTokens = this.exact(chunk);
      this.countedChars += chunk.length;
      this.countedTokens += chunkTokens;
      tokens += chunkTokens;
      if (performance.now() - this.sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        this.sliceStart = performance.now();
      }
    }
    const rest = text.length - exactPart.length + omittedChars;
    if (rest > 0) {
      // Four characters a token is the usual figure for English and JSON, until text has been counted.
      const ratio = this.countedTokens > 0 ? this.countedTokens / this.countedChars : 0.25;
      tokens += Math.ceil(rest * ratio);
      this.estimatedChars += rest;
    }
    return tokens;
  }
}

/**
 * Collects a run's calls for its account while the run goes on. Each result is turned into its
 * text when it arrives and only the first `budgetChars` of all results are kept, so a script that
 * pages through gigabytes leaves lengths behind, not the data.
 */
export class CallCollector {
  private readonly calls = new Map<number, { args: unknown; result?: string; error?: string; omittedChars?: number }>();
  private keptChars = 0;

  constructor(private readonly budgetChars = 1_000_000) {}

  started(callId: number, args: unknown): void {
    this.calls.set(callId, { args });
  }

  finished(callId: number, outcome: { readonly ok: boolean; readonly result?: unknown; readonly error?: string }): void {
    const call = this.calls.get(callId);
    if (!call) return;
    if (!outcome.ok) {
      call.error = outcome.error ?? '';
      return;
    }
    const text = callResultText({ args: call.args, result: outcome.result });
    const room = Math.max(0, this.budgetChars - this.keptChars);
    call.result = text.length <= room ? text : text.slice(0, room);
    call.omittedChars = text.length - call.result.length;
    this.keptChars += call.result.length;
  }

  list(): AccountedCall[] {
    return [...this.calls.values()];
  }
}
