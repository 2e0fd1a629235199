// What a script receives from a tool call (DESIGN.md): `structuredContent` when the server sends
// it; otherwise the text content, parsed as JSON when it is valid JSON; non-text parts as plain
// objects. A result flagged `isError` becomes a ToolCallError carrying the server's text.

import { ToolCallError } from '../provider';

interface ContentPart {
  readonly type: string;
  readonly text?: unknown;
  readonly [key: string]: unknown;
}

export interface ToolResultLike {
  readonly content?: readonly ContentPart[];
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
  /** Results of servers on the protocol's first version. */
  readonly toolResult?: unknown;
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function textOf(content: readonly ContentPart[]): string {
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

export function toolResultValue(result: ToolResultLike): unknown {
  const content = Array.isArray(result.content) ? result.content : [];
  if (result.isError) {
    throw new ToolCallError(textOf(content) || 'the tool reported an error without a message');
  }
  if (result.structuredContent !== undefined && result.structuredContent !== null) return result.structuredContent;
  if (content.length === 0) return 'toolResult' in result ? result.toolResult : undefined;
  const values = content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? parseText(part.text) : { ...part }));
  return values.length === 1 ? values[0] : values;
}
