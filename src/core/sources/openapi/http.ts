// HTTP for OpenAPI sources, confined to an allow-list of hosts: every URL is checked before it is
// requested, redirects are followed by hand so each hop is checked too, and answers are read up to
// a size limit. The configured headers (credentials) go only to the origin they were meant for.

import { ToolCallError } from '../../provider';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

/** `host:port` with the scheme's default port spelled out, which URL's own `host` leaves off. */
function hostWithPort(url: URL): string {
  return `${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol] || ''}`.toLowerCase();
}

/**
 * The hosts a source may call: `host` or `host:port` entries; one without a port allows any port.
 * The servers' and baseUrl's hosts always carry their port, so `https://api.example` allows port
 * 443 only, not whatever else listens on that machine.
 */
export class HostRule {
  private readonly hosts: ReadonlySet<string>;

  constructor(hosts: Iterable<string>) {
    this.hosts = new Set([...hosts].map((host) => host.toLowerCase()));
  }

  /** The URLs' hosts, as the allow-list of this source. */
  static of(urls: Iterable<URL>, extra: Iterable<string>): HostRule {
    return new HostRule([...[...urls].map(hostWithPort), ...extra]);
  }

  allows(url: URL): boolean {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return this.hosts.has(hostWithPort(url)) || this.hosts.has(url.hostname.toLowerCase());
  }

  describe(): string {
    return [...this.hosts].sort().join(', ') || 'none';
  }
}

export interface HttpRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly contentType: string;
  readonly text: string;
}

const MAX_REDIRECTS = 5;

function refused(url: URL, rule: HostRule): ToolCallError {
  return new ToolCallError(`refused to call ${url.protocol}//${url.host}: only ${rule.describe()} may be called (add the host to "allowHosts" to allow it)`);
}

/** Reads a body up to `maxBytes`, cancelling the download past that. */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ToolCallError(`the response is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Requests `url` and follows redirects among allowed hosts. Times out after `timeoutMs`; the
 * signal cancels. The error for a timeout says which limit it was.
 */
export async function fetchAllowed(url: URL, request: HttpRequest, rule: HostRule, signal: AbortSignal, timeoutMs: number, maxBytes: number): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const origin = url.origin;
  let current = url;
  let { method, body } = request;
  try {
    for (let hop = 0; ; hop++) {
      if (!rule.allows(current)) throw refused(current, rule);
      // Credentials stay with the origin they were configured for, as browsers do on redirects.
      const headers = current.origin === origin ? request.headers : {};
      const response = await fetch(current, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal: combined });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new ToolCallError(`more than ${MAX_REDIRECTS} redirects`);
        current = new URL(location, current);
        // 303, and 301/302 after a POST, turn into a GET without a body (as fetch itself does).
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { status: response.status, statusText: response.statusText, contentType: response.headers.get('content-type') ?? '', text: await readLimited(response, maxBytes) };
    }
  } catch (error) {
    if (timeout.aborted && !signal.aborted) throw new ToolCallError(`no answer within ${timeoutMs} ms`);
    if (error instanceof ToolCallError || signal.aborted) throw error;
    // fetch says "fetch failed" and keeps the reason (ECONNREFUSED …) in its cause.
    const cause = (error as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `${(cause as NodeJS.ErrnoException).code ?? ''} ${cause.message}`.trim() : (error as Error).message;
    throw new ToolCallError(`the request to ${current.host} failed: ${detail}`);
  }
}
