// A command tool's arguments: the script's values are checked against the declared parameters
// (types, enums, patterns, required, nothing undeclared) before anything runs, then put into the
// argument template. Each `{param}` fills in its own argument only: values never pass through a
// shell, so quotes, spaces and `;` in them are just characters.

import { PLACEHOLDER } from '../../config/load';
import type { CommandToolDefinition } from '../../config/types';
import { ToolCallError } from '../../provider';

/** One argument of the template: literal text and placeholders, in order. */
export type TemplatePart = { readonly text: string } | { readonly parameter: string };
export type ArgumentTemplate = readonly TemplatePart[];

type Schema = Readonly<Record<string, unknown>>;
type Scalar = string | number | boolean;

/** Splits an argument into literal text and placeholders of declared parameters. */
export function parseTemplate(arg: string, parameters: ReadonlySet<string>): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of arg.matchAll(PLACEHOLDER)) {
    // An undeclared name stays text (the configuration warned about it).
    if (!parameters.has(match[1]!)) continue;
    if (match.index > last) parts.push({ text: arg.slice(last, match.index) });
    parts.push({ parameter: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < arg.length || parts.length === 0) parts.push({ text: arg.slice(last) });
  return parts;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}` : `${typeof value} ${JSON.stringify(value)}`;
}

/** What is wrong with one scalar value, if anything. */
function scalarProblem(value: unknown, schema: Schema): string | undefined {
  const type = schema.type;
  const ok =
    type === 'string' ? typeof value === 'string'
    : type === 'number' ? typeof value === 'number' && Number.isFinite(value)
    : type === 'integer' ? Number.isInteger(value)
    : type === 'boolean' ? typeof value === 'boolean'
    : typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (!ok) return `must be ${type === undefined ? 'a string, number or boolean' : type === 'integer' ? 'an integer' : `a ${String(type)}`}, got ${describe(value)}`;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `must be one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}, got ${describe(value)}`;
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return `must match /${schema.pattern}/, got ${describe(value)}`;
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) return `must be at least ${schema.minimum}, got ${value}`;
  if (typeof value === 'number' && typeof schema.maximum === 'number' && value > schema.maximum) return `must be at most ${schema.maximum}, got ${value}`;
  return undefined;
}

/** The values to run with: the script's, checked, with declared defaults for those left out. */
export function checkArguments(tool: CommandToolDefinition, args: unknown): Map<string, Scalar | readonly Scalar[]> {
  const given = args === undefined || args === null ? {} : args;
  if (typeof given !== 'object' || Array.isArray(given)) throw new ToolCallError(`expects one object argument, got ${describe(given)}`);
  const values = new Map<string, Scalar | readonly Scalar[]>();
  for (const [name, value] of Object.entries(given)) {
    const schema = tool.parameters[name];
    if (!schema) throw new ToolCallError(`unknown argument "${name}"; expected ${Object.keys(tool.parameters).map((key) => JSON.stringify(key)).join(', ') || 'none'}`);
    if (value === undefined || value === null) continue;
    if (schema.type === 'array' || (schema.type === undefined && Array.isArray(value))) {
      if (!Array.isArray(value)) throw new ToolCallError(`the argument "${name}" must be an array, got ${describe(value)}`);
      const items = (typeof schema.items === 'object' && schema.items !== null ? schema.items : {}) as Schema;
      value.forEach((item: unknown, index) => {
        const problem = scalarProblem(item, items);
        if (problem) throw new ToolCallError(`the argument "${name}[${index}]" ${problem}`);
      });
      values.set(name, value as Scalar[]);
    } else {
      const problem = scalarProblem(value, schema);
      if (problem) throw new ToolCallError(`the argument "${name}" ${problem}`);
      values.set(name, value as Scalar);
    }
  }
  for (const [name, schema] of Object.entries(tool.parameters)) {
    if (!values.has(name) && schema.default !== undefined && schema.default !== null) values.set(name, schema.default as Scalar | Scalar[]);
  }
  const missing = tool.required.filter((name) => !values.has(name));
  if (missing.length > 0) throw new ToolCallError(`the argument${missing.length > 1 ? 's' : ''} ${missing.map((name) => JSON.stringify(name)).join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`);
  return values;
}

/**
 * The command line's arguments. An argument whose placeholder has no value is left out; an array
 * value repeats its argument once per item (none for an empty array). An argument that would start
 * with a "-" taken from a string value is refused before a `--` argument, wherever the placeholder
 * stands in it (`{name}`, `{name}.txt`, `{a}{b}`): the program would read it as an option
 * (`--upload-pack=…`), which the tool's author did not offer.
 */
export function expandArguments(templates: readonly ArgumentTemplate[], values: ReadonlyMap<string, Scalar | readonly Scalar[]>): string[] {
  const out: string[] = [];
  let optionsEnded = false;
  for (const template of templates) {
    const placeholders = template.filter((part): part is { parameter: string } => 'parameter' in part);
    if (placeholders.some((part) => !values.has(part.parameter))) continue;
    // Every combination of the array values in this argument (usually one array, or none), each
    // remembering the parameter whose string put a "-" first, if one did.
    let expansions: { text: string; optionFrom?: string }[] = [{ text: '' }];
    for (const part of template) {
      const options = 'text' in part ? [{ text: part.text }] : [values.get(part.parameter)!].flat().map((item) => ({ text: String(item), ...(typeof item === 'string' ? { parameter: part.parameter } : {}) }));
      expansions = expansions.flatMap((prefix) =>
        options.map((option) => {
          const optionFrom = prefix.text === '' && option.text.startsWith('-') && 'parameter' in option ? option.parameter : prefix.optionFrom;
          return { text: prefix.text + option.text, ...(optionFrom !== undefined ? { optionFrom } : {}) };
        }),
      );
    }
    const option = optionsEnded ? undefined : expansions.find((expansion) => expansion.optionFrom !== undefined);
    if (option) {
      throw new ToolCallError(`the argument "${option.optionFrom}" cannot start with "-": it would be read as an option (put "--" before it in the tool's args if the program accepts that)`);
    }
    if (placeholders.length === 0 && expansions[0]?.text === '--') optionsEnded = true;
    out.push(...expansions.map((expansion) => expansion.text));
  }
  return out;
}
