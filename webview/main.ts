// The run panel: a list of runs (newest first, live while they run) and the selected run's
// error, result, tool calls and logs. Plain DOM; every text is set with textContent.

import type { ExtensionToPanel, PanelToExtension, TraceEvent } from './protocol';
import './panel.css';

interface VsCodeApi {
  postMessage(message: PanelToExtension): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Started = Extract<TraceEvent, { type: 'run-started' }>;
type Finished = Extract<TraceEvent, { type: 'run-finished' }>;

interface CallView {
  server: string;
  tool: string;
  ok?: boolean;
  durationMs?: number;
  error?: string;
}

interface RunView {
  started: Started;
  logs: { level: string; text: string }[];
  calls: Map<number, CallView>;
  finished?: Finished;
}

const vscode = acquireVsCodeApi();
const runs = new Map<string, RunView>();
let selected: string | undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function apply(event: TraceEvent): void {
  if (event.type === 'run-started') {
    runs.set(event.runId, { started: event, logs: [], calls: new Map() });
    selected = event.runId;
    return;
  }
  const run = runs.get(event.runId);
  if (!run) return;
  switch (event.type) {
    case 'log':
      run.logs.push({ level: event.level, text: event.text });
      break;
    case 'call-started':
      run.calls.set(event.callId, { server: event.server, tool: event.tool });
      break;
    case 'call-finished':
      Object.assign(run.calls.get(event.callId) ?? {}, { ok: event.ok, durationMs: event.durationMs, error: event.error });
      break;
    case 'run-finished':
      run.finished = event;
      break;
  }
}

function status(run: RunView): string {
  if (!run.finished) return 'running';
  return run.finished.result.ok ? 'ok' : 'failed';
}

function renderList(): HTMLElement {
  const list = element('ul', 'runs');
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Runs');
  for (const run of [...runs.values()].reverse()) {
    const item = element('li', `run ${status(run)}${run.started.runId === selected ? ' selected' : ''}`);
    item.tabIndex = 0;
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', String(run.started.runId === selected));
    const duration = run.finished ? `${Math.round(run.finished.result.durationMs)} ms` : '…';
    item.append(
      element('span', 'status', status(run)),
      element('span', 'name', run.started.fileName ?? run.started.source),
      element('span', 'meta', `${run.calls.size} calls · ${duration} · ${new Date(run.started.at).toLocaleTimeString()}`),
    );
    const choose = (): void => {
      selected = run.started.runId;
      render();
    };
    item.addEventListener('click', choose);
    item.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') choose();
    });
    list.append(item);
  }
  return list;
}

function renderDetail(run: RunView): HTMLElement {
  const detail = element('section', 'detail');
  const result = run.finished?.result;
  if (result?.error) {
    const where = result.error.line !== undefined ? ` at line ${result.error.line}` : '';
    detail.append(element('h2', undefined, `${result.error.name}${where}`), element('pre', 'error', result.error.message));
  } else if (result) {
    detail.append(element('h2', undefined, 'Result'), element('pre', 'result', result.result === undefined ? '(no result)' : JSON.stringify(result.result, null, 2)));
  }
  detail.append(element('h2', undefined, `Tool calls (${run.calls.size})`));
  const calls = element('table', 'calls');
  for (const call of run.calls.values()) {
    const row = element('tr', call.ok === undefined ? 'running' : call.ok ? 'ok' : 'failed');
    row.append(
      element('td', undefined, `${call.server}.${call.tool}`),
      element('td', 'num', call.durationMs === undefined ? '…' : `${Math.round(call.durationMs)} ms`),
      element('td', undefined, call.error ?? (call.ok ? 'ok' : '')),
    );
    calls.append(row);
  }
  detail.append(calls, element('h2', undefined, `Logs (${run.logs.length})`));
  const logs = element('ol', 'logs');
  for (const log of run.logs) logs.append(element('li', `log ${log.level}`, log.text));
  detail.append(logs);
  return detail;
}

function render(): void {
  const app = document.getElementById('app')!;
  const header = element('header');
  const clear = element('button', undefined, 'Clear');
  clear.addEventListener('click', () => vscode.postMessage({ type: 'clear' }));
  header.append(element('h1', undefined, 'Code Mode runs'), clear);
  const run = selected ? runs.get(selected) : undefined;
  app.replaceChildren(header, runs.size === 0 ? element('p', 'empty', 'No runs yet. Run a script with “Code Mode: Run File”.') : renderList(), ...(run ? [renderDetail(run)] : []));
}

window.addEventListener('message', (event: MessageEvent<ExtensionToPanel>) => {
  const message = event.data;
  if (message.type === 'cleared') {
    runs.clear();
    selected = undefined;
  } else {
    for (const traceEvent of message.events) apply(traceEvent);
  }
  render();
});

render();
vscode.postMessage({ type: 'ready' });
