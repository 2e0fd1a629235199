// The limits every run is held to. Defaults follow DESIGN.md; each can be set per run, in the
// CLI's flags and in the extension's settings, under the names used here.

export interface Limits {
  /** Time spent running guest code, excluding time spent awaiting tools (ms). */
  readonly timeoutMs: number;
  /** The whole run, from start to result, tools included (ms). */
  readonly wallTimeoutMs: number;
  /** One tool call, from the moment it is sent (ms). */
  readonly callTimeoutMs: number;
  /** Heap the guest may allocate (MiB). */
  readonly memoryMb: number;
  /** Native stack the guest may use (KiB); bounds recursion depth. */
  readonly stackKb: number;
  /** Bytes of log text captured, and bytes of the serialised result. */
  readonly maxOutputBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 3_000,
  wallTimeoutMs: 60_000,
  callTimeoutMs: 30_000,
  memoryMb: 64,
  stackKb: 512,
  maxOutputBytes: 1024 * 1024,
};

/** Human descriptions of each limit, used in the errors raised when one is hit. */
export const LIMIT_DESCRIPTIONS: { readonly [K in keyof Limits]: (value: number) => string } = {
  timeoutMs: (v) => `the sandbox execution time limit of ${v} ms (timeoutMs)`,
  wallTimeoutMs: (v) => `the run's wall-clock limit of ${v} ms (wallTimeoutMs)`,
  callTimeoutMs: (v) => `the per-call timeout of ${v} ms (callTimeoutMs)`,
  memoryMb: (v) => `the memory limit of ${v} MiB (memoryMb)`,
  stackKb: (v) => `the stack limit of ${v} KiB (stackKb)`,
  maxOutputBytes: (v) => `the output limit of ${v} bytes (maxOutputBytes)`,
};

/** Merges overrides onto the defaults, rejecting values that are not positive finite numbers. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const merged: Record<keyof Limits, number> = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Limit ${key} must be a positive number, got ${String(value)}`);
    }
    merged[key] = value;
  }
  return merged;
}
