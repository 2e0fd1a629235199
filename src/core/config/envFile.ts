// Reads a dotenv file: `KEY=value` lines, `#` comments, optional `export `, single or double
// quotes (double quotes understand \n, \t, \" and \\), and values that run to the end of the line.

export class EnvFileError extends Error {
  override name = 'EnvFileError';
}

export function parseEnvFile(text: string, file: string): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    // The line itself is not quoted: it may hold a secret.
    if (!match) throw new EnvFileError(`${file}:${index + 1}: expected KEY=value`);
    const [, key, rest] = match as unknown as [string, string, string];
    let value = rest;
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      const end = value.indexOf(quote, 1);
      if (end === -1) throw new EnvFileError(`${file}:${index + 1}: the value of ${key} has no closing ${quote}`);
      value = value.slice(1, end);
      if (quote === '"') value = value.replace(/\\([nt"\\])/g, (_, c: string) => ({ n: '\n', t: '\t', '"': '"', '\\': '\\' })[c]!);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    env[key] = value;
  });
  return env;
}
