// A stand-in for the webview VS Code gives the run panel, in a real chromium: the built bundle
// (dist/webview.js, dist/webview.css, dist/codicons/) served over http from 127.0.0.1, under the
// same Content-Security-Policy the extension sets, with a theme's `--vscode-*` variables and body
// class, VS Code's default webview styles, and an `acquireVsCodeApi()` that records what the
// panel posts. Messages reach the panel as VS Code delivers them: `message` events on its window.
//
// Every page records what went wrong in it (CSP violations, uncaught errors, console errors,
// failed requests), so the suite can assert the panel works under the CSP.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ExtensionToPanel, PanelEvent, PanelToExtension } from '../../webview/protocol';
import { THEMES, type ThemeName } from './themes';

export const ROOT = path.resolve(__dirname, '../..');
export const DIST = path.join(ROOT, 'dist');
const CHROMIUM = process.env.CODEMODE_CHROMIUM ?? '/usr/bin/chromium';
// As test/vscode/launcher.ts: --no-sandbox because the suite may run as root in a container.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--font-render-hinting=none'];
export const VIEWPORT = { width: 1100, height: 800 };

/** Files the page links to that an older build lacks: a 404 for them is a problem only once built. */
const OPTIONAL_FILES = new Set(['/codicons/codicon.css', '/codicons/codicon.ttf']);
export const codiconsBuilt = (): boolean => existsSync(path.join(DIST, 'codicons', 'codicon.css'));

/** What the page's own script keeps on `window` (see `bootstrap`). */
export interface PanelWindow {
  __posted: PanelToExtension[];
  __violations: { directive: string; blocked: string; source: string; line: number; sample: string }[];
  __state: unknown;
}


export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

// The styles VS Code injects into every webview (webview/browser/pre/index.html, trimmed to what
// can matter here). `html`'s background stands in for the editor behind the webview's iframe,
// whose body VS Code leaves transparent.
const VSCODE_DEFAULT_CSS = `
html {
  scrollbar-color: var(--vscode-scrollbarSlider-background) var(--vscode-editor-background);
  background-color: var(--vscode-editor-background);
}
body {
  overscroll-behavior-x: none;
  background-color: transparent;
  color: var(--vscode-editor-foreground);
  font-family: var(--vscode-font-family);
  font-weight: var(--vscode-font-weight);
  font-size: var(--vscode-font-size);
  margin: 0;
  padding: 0 20px;
}
img, video { max-width: 100%; max-height: 100%; }
a, a code { color: var(--vscode-textLink-foreground); }
a:hover { color: var(--vscode-textLink-activeForeground); }
a:focus, input:focus, select:focus, textarea:focus { outline: 1px solid -webkit-focus-ring-color; outline-offset: -1px; }
code {
  font-family: var(--monaco-monospace-font);
  color: var(--vscode-textPreformat-foreground);
  background-color: var(--vscode-textPreformat-background);
  padding: 1px 3px;
  border-radius: 4px;
}
pre code { padding: 0; }
::-webkit-scrollbar { width: 10px; height: 10px; }
::-webkit-scrollbar-corner { background-color: var(--vscode-editor-background); }
::-webkit-scrollbar-thumb { background-color: var(--vscode-scrollbarSlider-background); }
::-webkit-scrollbar-thumb:hover { background-color: var(--vscode-scrollbarSlider-hoverBackground); }
::-webkit-scrollbar-thumb:active { background-color: var(--vscode-scrollbarSlider-activeBackground); }
`;

/**
 * Runs before the bundle: records CSP violations, applies the theme through the CSSOM (allowed
 * under the CSP, unlike a style attribute), and defines acquireVsCodeApi as VS Code does (once
 * only; state kept in memory).
 */
function bootstrap(theme: ThemeName): string {
  const { bodyClass, id, variables } = THEMES[theme];
  return `
window.__posted = [];
window.__violations = [];
window.__state = undefined;
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample });
});
const variables = ${JSON.stringify(variables)};
for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
document.body.classList.add(${JSON.stringify(bodyClass)});
document.body.dataset.vscodeThemeKind = ${JSON.stringify(bodyClass)};
document.body.dataset.vscodeThemeId = ${JSON.stringify(id)};
let acquired = false;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
  acquired = true;
  return Object.freeze({
    postMessage: (message) => { window.__posted.push(JSON.parse(JSON.stringify(message))); },
    getState: () => window.__state,
    setState: (state) => { window.__state = state; return state; },
  });
};
`;
}

/** The page, as the extension's html() builds it, with the VS Code parts filled in. */
function panelHtml(origin: string, theme: ThemeName): string {
  const nonce = randomBytes(16).toString('base64');
  // The script sits at the start of body, so document.body exists when it runs and the listener
  // is in place before the stylesheets and the bundle load.
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${origin}; font-src ${origin}; script-src 'nonce-${nonce}';">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${origin}/__vscode/default.css">
  <link rel="stylesheet" href="${origin}/codicons/codicon.css">
  <link rel="stylesheet" href="${origin}/webview.css">
  <title>Code Mode Runs</title>
</head>
<body>
  <script nonce="${nonce}">${bootstrap(theme)}</script>
  <main id="app"></main>
  <script nonce="${nonce}" src="${origin}/webview.js"></script>
</body>
</html>`;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
};

export interface PanelServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves dist/ and the panel page on a free port of 127.0.0.1. */
export async function startServer(): Promise<PanelServer> {
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (url.pathname === '/panel.html') {
      const theme = url.searchParams.get('theme') ?? 'dark';
      if (!(theme in THEMES)) return send(400, 'text/plain', `unknown theme ${theme}`);
      return send(200, 'text/html; charset=utf-8', panelHtml(origin, theme as ThemeName));
    }
    if (url.pathname === '/__vscode/default.css') return send(200, TYPES['.css']!, VSCODE_DEFAULT_CSS);
    const file = path.join(DIST, path.normalize(decodeURIComponent(url.pathname)));
    if (!file.startsWith(DIST + path.sep) || !existsSync(file) || !statSync(file).isFile()) return send(404, 'text/plain', 'not found');
    send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Everything that went wrong in one page. */
export interface PageProblems {
  readonly pageErrors: string[];
  readonly consoleErrors: string[];
  readonly failedRequests: string[];
}

const problemsOf = new WeakMap<Page, PageProblems>();
/** Events each page holds (since it loaded or was last replaced), to know what `applied` count to wait for. */
const deliveredOf = new WeakMap<Page, number>();

/**
 * Opens the panel in a new page and waits for its `ready`. The page's problems are recorded from
 * the first moment; read them with `problems(page)`.
 */
export async function openPanel(browser: Browser, server: PanelServer, theme: ThemeName = 'dark'): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  page.setDefaultTimeout(15_000);
  const problems: PageProblems = { pageErrors: [], consoleErrors: [], failedRequests: [] };
  problemsOf.set(page, problems);
  deliveredOf.set(page, 0);
  page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? error.message));
  page.on('console', (message) => {
    // A 404 is reported by the response listener, with its URL (the console message has none).
    if (message.type() === 'error' && !/^Failed to load resource/.test(message.text())) problems.consoleErrors.push(message.text());
  });
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    const optional = response.status() === 404 && OPTIONAL_FILES.has(pathname) && !codiconsBuilt();
    if (response.status() >= 400 && !optional) problems.failedRequests.push(`${response.status()} ${pathname}`);
  });
  page.on('requestfailed', (request) => problems.failedRequests.push(`${request.failure()?.errorText ?? 'failed'} ${request.url()}`));
  await page.goto(`${server.origin}/panel.html?theme=${theme}`);
  try {
    await page.waitForFunction(() => (window as unknown as PanelWindow).__posted.some((message) => message.type === 'ready'), undefined, { timeout: 10_000 });
  } catch (error) {
    const seen = await posted(page).catch(() => []);
    throw new Error(`the panel did not post ready (posted ${JSON.stringify(seen)}; problems ${JSON.stringify(problems)})`, { cause: error });
  }
  return page;
}

/** Delivers a message as VS Code does: a `message` event on the webview's window. */
export async function deliver(page: Page, message: ExtensionToPanel): Promise<void> {
  if (message.type === 'events') deliveredOf.set(page, (message.replace ? 0 : (deliveredOf.get(page) ?? 0)) + message.events.length);
  await page.evaluate((data) => window.postMessage(data, '*'), message as unknown as Record<string, unknown>);
}

/**
 * Delivers events and waits until the panel says it applied them (and has painted). The answer
 * must count every event the page holds: those delivered since the last replay, as the protocol says.
 */
export async function deliverEvents(page: Page, events: readonly PanelEvent[], replace = false): Promise<void> {
  const before = (await posted(page)).length;
  await deliver(page, { type: 'events', events, ...(replace ? { replace } : {}) });
  const expected = deliveredOf.get(page)!;
  await page.waitForFunction((from) => (window as unknown as PanelWindow).__posted.slice(from).some((message) => message.type === 'applied'), before, { timeout: 30_000 });
  const answer = (await posted(page)).slice(before).find((message) => message.type === 'applied');
  if (answer?.type !== 'applied' || answer.events !== expected) {
    throw new Error(`after ${expected} events delivered since the last replay, the panel answered ${JSON.stringify(answer)}`);
  }
  await settle(page);
}

/**
 * Delivers events like deliverEvents and returns the milliseconds, measured in the page, from
 * posting the message to the second frame after the panel's `applied` (transfer from node left out).
 */
export async function timedDelivery(page: Page, events: readonly PanelEvent[], replace = false): Promise<number> {
  const before = (await posted(page)).length;
  deliveredOf.set(page, (deliveredOf.get(page) ?? 0) + events.length);
  const message: ExtensionToPanel = { type: 'events', events, ...(replace ? { replace } : {}) };
  // No named functions in here: tsx would wrap them in a helper the page does not have.
  return page.evaluate(
    ([data, from]) =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        window.postMessage(data, '*');
        const timer = setInterval(() => {
          if (!(window as unknown as PanelWindow).__posted.slice(from).some((m) => m.type === 'applied')) return;
          clearInterval(timer);
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
        }, 2);
      }),
    [message as unknown as Record<string, unknown>, before] as const,
  );
}

/** Waits until the panel posted `applied` with at least `n` events, then for a painted frame. */
export async function waitForApplied(page: Page, n: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction((count) => (window as unknown as PanelWindow).__posted.some((message) => message.type === 'applied' && message.events >= count), n, { timeout });
  await settle(page);
}

/** Waits for two animation frames: whatever the panel scheduled for the next frame has rendered. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** The messages the panel has posted, oldest first. */
export function posted(page: Page): Promise<PanelToExtension[]> {
  return page.evaluate(() => (window as unknown as PanelWindow).__posted);
}

/** Runs `action` and returns the first message of `type` the panel posts after it began. */
export async function nextPosted<T extends PanelToExtension['type']>(page: Page, type: T, action: () => Promise<unknown>): Promise<Extract<PanelToExtension, { type: T }>> {
  const before = (await posted(page)).length;
  await action();
  await page.waitForFunction(([kind, from]) => (window as unknown as PanelWindow).__posted.slice(from).some((message) => message.type === kind), [type, before] as const, { timeout: 5_000 });
  return (await posted(page)).slice(before).find((message) => message.type === type) as Extract<PanelToExtension, { type: T }>;
}

/** The page's problems, CSP violations included. */
export async function problems(page: Page): Promise<PageProblems & { violations: PanelWindow['__violations'] }> {
  const recorded = problemsOf.get(page) ?? { pageErrors: [], consoleErrors: [], failedRequests: [] };
  const violations = page.isClosed() ? [] : await page.evaluate(() => (window as unknown as PanelWindow).__violations).catch((error: Error) => [{ directive: '(could not read the violations)', blocked: error.message, source: '', line: 0, sample: '' }]);
  return { ...recorded, violations };
}
