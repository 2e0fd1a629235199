// Finds tools by words, for `codemode tools <query>` and the model's API lookup. Words match
// tool and server names (split at camel humps, dashes and underscores), titles and descriptions;
// a name match weighs most. Deterministic: ties sort by server, then tool name.

import type { ToolInfo } from './provider';

/** Lower-case words of a text, splitting camelCase, snake_case and kebab-case. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

export interface ToolMatch {
  readonly tool: ToolInfo;
  readonly score: number;
}

function scoreWord(word: string, name: readonly string[], title: readonly string[], description: readonly string[]): number {
  if (name.includes(word)) return 6;
  if (name.some((candidate) => candidate.startsWith(word) || (word.length > 3 && word.startsWith(candidate) && candidate.length > 2))) return 4;
  if (title.includes(word)) return 3;
  if (description.includes(word)) return 1.5;
  if (word.length > 3 && description.some((candidate) => candidate.startsWith(word))) return 1;
  return 0;
}

export function searchTools(tools: readonly ToolInfo[], query: string, limit = 20): ToolMatch[] {
  const words = [...new Set(wordsOf(query))];
  if (words.length === 0) return [];
  const matches: ToolMatch[] = [];
  for (const tool of tools) {
    const name = [...wordsOf(tool.name), ...wordsOf(tool.server)];
    const title = wordsOf(tool.title ?? tool.annotations?.title ?? '');
    const description = wordsOf(tool.description ?? '');
    let score = 0;
    let matched = 0;
    for (const word of words) {
      const points = scoreWord(word, name, title, description);
      score += points;
      if (points > 0) matched++;
    }
    if (matched === 0) continue;
    // Tools that match every word rank above tools that match one word strongly.
    if (matched === words.length) score *= 1.5;
    matches.push({ tool, score });
  }
  return matches
    .sort((a, b) => b.score - a.score || a.tool.server.localeCompare(b.tool.server) || a.tool.name.localeCompare(b.tool.name))
    .slice(0, limit);
}
