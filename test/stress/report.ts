// The shape every part of `npm run stress` reports in, and the Markdown helpers that turn it into
// RELIABILITY.md. Each part (hostile scripts, broken servers, fuzzed schemas, soak, secrets) is a
// module exporting one `async function …Section(): Promise<StressSection>`.

export interface StressSection {
  /** Heading in RELIABILITY.md, e.g. "Hostile scripts". */
  readonly title: string;
  /** Markdown under the heading: what was done, tables of figures, notes on reading them. */
  readonly body: string;
  /** What did not hold (a script that escaped, a process left behind…); any of these fails the run. */
  readonly failures: readonly string[];
}

/** A Markdown table; cells are escaped so a `|` or a newline in a message cannot break it. */
export function table(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number): string => String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (cells: readonly (string | number)[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(columns), line(columns.map(() => '---')), ...rows.map(line)].join('\n');
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
