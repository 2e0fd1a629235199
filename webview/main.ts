// The run panel: every run, newest first and live while it runs; the selected run's status,
// error, token account, tool-call waterfall, logs, result and script. The extension owns the
// history and replays it whenever this page (re)loads; the page keeps only view state.

import { button, formatCount, h, icon } from './dom';
import { jsonTree, payloadText } from './jsonTree';
import { LogView, type LogFilter } from './logView';
import type { ExtensionToPanel, LogLevel, PanelEvent, PanelToExtension } from './protocol';
import { formatMs, PanelState, runStatus, type RunStatus, type RunView } from './state';
import { TokenView } from './tokenView';
import { Waterfall } from './waterfall';
import './panel.css';

interface VsCodeApi {
  postMessage(message: PanelToExtension): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Tab = 'calls' | 'logs' | 'result' | 'script';
const TABS: readonly { id: Tab; label: string; icon: string }[] = [
  { id: 'calls', label: 'Calls', icon: 'debug-alt' },
  { id: 'logs', label: 'Logs', icon: 'output' },
  { id: 'result', label: 'Result', icon: 'json' },
  { id: 'script', label: 'Script', icon: 'file-code' },
];

/** What survives the page being hidden or reloaded (VS Code keeps it for the webview). */
interface SavedState {
  readonly selected?: string;
  readonly tokensOpen?: boolean;
  readonly tab: Tab;
  readonly levels: LogLevel[];
  readonly filter: string;
}

const STATUS_ICONS: Record<RunStatus, string> = { running: 'loading', ok: 'pass', failed: 'error', cancelled: 'circle-slash' };
const SOURCE_LABELS: Record<string, string> = { editor: 'editor', 'lm-tool': 'model (codemode_run)', chat: '@codemode chat', cli: 'CLI', test: 'test', bench: 'bench' };

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
const state = new PanelState();
let applied = 0;
let selected = saved?.selected;
let tab: Tab = saved?.tab ?? 'calls';
let running = new Set<string>();
const filter: LogFilter = { levels: new Set(saved?.levels ?? ['log', 'info', 'warn', 'error']), text: saved?.filter ?? '' };

function post(message: PanelToExtension): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState({ selected, tab, levels: [...filter.levels], filter: filter.text, tokensOpen: tokens.open });
}

function statusIcon(status: RunStatus): HTMLElement {
  return icon(STATUS_ICONS[status], `status-icon status-${status}${status === 'running' ? ' codicon-modifier-spin' : ''}`);
}

function runTitle(run: RunView): string {
  return run.started.fileName ?? SOURCE_LABELS[run.started.source] ?? run.started.source;
}

// ---- The run list -------------------------------------------------------------------------------

const runList = h('ul', { class: 'run-list', attrs: { role: 'listbox', 'aria-label': 'Runs', tabindex: 0 } });

function drawRunList(): void {
  const items = state.newestFirst().map((run) => {
    const status = runStatus(run);
    const isSelected = run.started.runId === selected;
    const duration = run.finished ? formatMs(run.finished.durationMs) : 'running';
    return h(
      'li',
      { class: `run-item status-${status}${isSelected ? ' selected' : ''}`, attrs: { role: 'option', id: `run-${run.started.runId}`, 'data-run-id': run.started.runId, 'aria-selected': String(isSelected) } },
      statusIcon(status),
      h('span', { class: 'run-name', text: runTitle(run) }),
      h('span', { class: 'run-summary muted', text: `${formatCount(run.calls.length)} ${run.calls.length === 1 ? 'call' : 'calls'} · ${duration}` }),
      h('span', { class: 'run-time muted', text: new Date(run.started.at).toLocaleTimeString() }),
    );
  });
  runList.replaceChildren(...items);
  runList.setAttribute('aria-activedescendant', selected ? `run-${selected}` : '');
}

function select(runId: string): void {
  if (selected === runId || !state.get(runId)) return;
  selected = runId;
  save();
  drawRunList();
  drawDetail();
  document.getElementById(`run-${runId}`)?.scrollIntoView({ block: 'nearest' });
}

runList.addEventListener('click', (event) => {
  const item = (event.target as HTMLElement).closest<HTMLElement>('.run-item');
  if (item?.dataset.runId) select(item.dataset.runId);
});
runList.addEventListener('keydown', (event) => {
  const runs = state.newestFirst();
  const index = runs.findIndex((run) => run.started.runId === selected);
  let next: number | undefined;
  if (event.key === 'ArrowDown') next = Math.min(runs.length - 1, index + 1);
  else if (event.key === 'ArrowUp') next = Math.max(0, index - 1);
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = runs.length - 1;
  if (next === undefined || !runs[next]) return;
  event.preventDefault();
  select(runs[next].started.runId);
});

// ---- The selected run ---------------------------------------------------------------------------

const title = h('h2', { class: 'run-title' });
const meta = h('p', { class: 'run-meta muted' });
const rerun = button('Re-run', 'debug-rerun', 'rerun');
const stop = button('Stop', 'debug-stop', 'stop');
const openScript = button('Open Script', 'go-to-file', 'open-script');
const errorBox = h('section', { class: 'run-error', attrs: { role: 'alert' } });
const tokens = new TokenView(saved?.tokensOpen ?? false, save);
const waterfall = new Waterfall();
const logs = new LogView(filter, save);
const resultView = h('div', { class: 'result-view' });
const scriptView = h('pre', { class: 'script-view' });
const tabButtons = new Map<Tab, HTMLButtonElement>();
const tabPanels = new Map<Tab, HTMLElement>([
  ['calls', waterfall.element],
  ['logs', logs.element],
  ['result', resultView],
  ['script', scriptView],
]);
const tabList = h('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Run details' } });
const panels: HTMLElement[] = [];
for (const { id, label, icon: iconName } of TABS) {
  const tabButton = h('button', { class: 'tab', attrs: { type: 'button', role: 'tab', id: `tab-${id}`, 'data-tab': id, 'aria-controls': `panel-${id}` } }, icon(iconName), h('span', { class: 'tab-label', text: label }), h('span', { class: 'tab-badge' }));
  tabButton.addEventListener('click', () => showTab(id));
  tabButtons.set(id, tabButton);
  tabList.append(tabButton);
  panels.push(h('div', { class: 'tab-panel', attrs: { role: 'tabpanel', id: `panel-${id}`, 'data-panel': id, 'aria-labelledby': `tab-${id}` } }, tabPanels.get(id)!));
}
tabList.addEventListener('keydown', (event) => {
  const index = TABS.findIndex((candidate) => candidate.id === tab);
  const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
  if (step === 0) return;
  event.preventDefault();
  const next = TABS[(index + step + TABS.length) % TABS.length]!.id;
  showTab(next);
  tabButtons.get(next)!.focus();
});

const detail = h(
  'section',
  { class: 'run-detail', attrs: { 'aria-label': 'Selected run' } },
  h('div', { class: 'run-header' }, h('div', { class: 'run-heading' }, title, meta), h('div', { class: 'run-actions' }, rerun, stop, openScript)),
  errorBox,
  tokens.element,
  tabList,
  ...panels,
);

let scriptShown = '';
let resultShown: unknown;

function showTab(next: Tab): void {
  tab = next;
  save();
  for (const [id, tabButton] of tabButtons) {
    tabButton.setAttribute('aria-selected', String(id === tab));
    tabButton.tabIndex = id === tab ? 0 : -1;
  }
  panels.forEach((panel) => (panel.hidden = panel.dataset.panel !== tab));
  // A list drawn while hidden had no height; draw it again now it has one.
  if (tab === 'calls') waterfall.redraw();
  if (tab === 'logs') logs.redraw();
}

function drawHeader(run: RunView): void {
  const status = runStatus(run);
  title.replaceChildren(statusIcon(status), h('span', { text: ` ${runTitle(run)}` }));
  const parts = [
    `from ${SOURCE_LABELS[run.started.source] ?? run.started.source}`,
    new Date(run.started.at).toLocaleString(),
    run.finished ? formatMs(run.finished.durationMs) : 'running',
    `${formatCount(run.calls.length)} tool ${run.calls.length === 1 ? 'call' : 'calls'}`,
    `${formatCount(run.logs.length)} log ${run.logs.length === 1 ? 'line' : 'lines'}`,
  ];
  meta.replaceChildren(...parts.map((part) => h('span', { class: 'meta-part', text: part })));
  stop.disabled = !running.has(run.started.runId);
  rerun.disabled = !run.finished;
  tabButtons.get('calls')!.querySelector('.tab-badge')!.textContent = formatCount(run.calls.length);
  tabButtons.get('logs')!.querySelector('.tab-badge')!.textContent = formatCount(run.logs.length);
}

let errorShown: unknown;

function drawError(run: RunView): void {
  // Rebuilt only when the error changes: a rebuild would close an opened stack and re-announce the alert.
  if (errorShown === (run.finished ?? run)) return;
  errorShown = run.finished ?? run;
  const error = run.finished?.error;
  errorBox.hidden = !error;
  if (!error) return;
  const location =
    error.line !== undefined
      ? h('button', { class: 'error-location link-button', text: `line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ''}`, attrs: { type: 'button', title: 'Reveal in the script' } })
      : undefined;
  location?.addEventListener('click', () => post({ type: 'open-script', runId: run.started.runId, line: error.line, column: error.column }));
  errorBox.replaceChildren(
    h('div', { class: 'run-error-heading' }, icon('error'), h('span', { class: 'run-error-name', text: error.name }), location ? h('span', { class: 'muted', text: ' at ' }) : undefined, location),
    h('pre', { class: 'run-error-message', text: error.message }),
    ...(error.stack ? [h('details', {}, h('summary', { text: 'Stack' }), h('pre', { class: 'run-error-stack', text: error.stack }))] : []),
  );
}

function drawResult(run: RunView): void {
  if (resultShown === (run.finished ?? run)) return;
  resultShown = run.finished ?? run;
  if (!run.finished) {
    resultView.replaceChildren(h('p', { class: 'muted', text: 'The result appears when the run ends.' }));
    return;
  }
  if (!run.finished.ok) {
    resultView.replaceChildren(h('p', { class: 'muted', text: 'The run failed, so it returned no result; its error is above.' }));
    return;
  }
  const copy = button(run.finished.result?.kind === 'truncated' ? 'Copy the Part Shown' : 'Copy', 'copy', 'copy-result');
  const result = run.finished.result;
  copy.addEventListener('click', () => post({ type: 'copy', text: payloadText(result) }));
  resultView.replaceChildren(h('div', { class: 'result-toolbar' }, copy), jsonTree(result, '(the script returned nothing)'));
}

function drawScript(run: RunView): void {
  const key = `${run.started.runId}:${run.finished?.error?.line ?? ''}`;
  if (scriptShown === key) return;
  scriptShown = key;
  const errorLine = run.finished?.error?.line;
  scriptView.replaceChildren(
    ...run.started.code.split('\n').map((line, index) =>
      h('span', { class: `script-line${index + 1 === errorLine ? ' error-line' : ''}` }, h('span', { class: 'line-number', text: String(index + 1), attrs: { 'aria-hidden': 'true' } }), h('span', { text: `${line}\n` })),
    ),
  );
}

function drawDetail(): void {
  const run = selected ? state.get(selected) : undefined;
  detail.hidden = !run;
  if (!run) return;
  drawHeader(run);
  drawError(run);
  tokens.show(run);
  waterfall.show(run, Date.now());
  logs.show(run);
  drawResult(run);
  drawScript(run);
}

rerun.addEventListener('click', () => selected && post({ type: 'rerun', runId: selected }));
stop.addEventListener('click', () => selected && post({ type: 'stop', runId: selected }));
openScript.addEventListener('click', () => selected && post({ type: 'open-script', runId: selected }));

// ---- The page -----------------------------------------------------------------------------------

const clear = button('Clear', 'clear-all', 'clear');
clear.addEventListener('click', () => post({ type: 'clear' }));
const empty = h('p', { class: 'empty' }, h('span', { text: 'No runs yet. Run a script with ' }), h('strong', { text: 'Code Mode: Run File' }), h('span', { text: ', or ask @codemode in chat.' }));
const app = document.getElementById('app')!;
app.replaceChildren(
  h('header', { class: 'toolbar' }, h('h1', { text: 'Code Mode Runs' }), clear),
  h('div', { class: 'layout' }, h('nav', { class: 'runs-pane', attrs: { 'aria-label': 'Run history' } }, empty, runList), detail),
);

let frame = 0;
let listDirty = false;
let detailDirty = false;

/** Draws at most once a frame, however many events arrive. */
function schedule(list: boolean, detailChanged: boolean): void {
  listDirty ||= list;
  detailDirty ||= detailChanged;
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    empty.hidden = state.size > 0;
    runList.hidden = state.size === 0;
    if (listDirty) drawRunList();
    if (detailDirty) drawDetail();
    listDirty = detailDirty = false;
  });
}

function applyEvents(events: readonly PanelEvent[], replace: boolean): void {
  // A live run takes the selection only from someone watching the newest run, not from a reader
  // of an older one; a replay keeps the selection when the run is still there.
  const watchingNewest = !replace && (selected === undefined || state.newestFirst()[0]?.started.runId === selected);
  if (replace) {
    state.clear();
    applied = 0;
  }
  let newest: string | undefined;
  let listChanged = replace;
  let detailChanged = replace;
  for (const event of events) {
    state.apply(event);
    if (event.type === 'run-started') newest = event.runId;
    // The list shows counts and status; it changes with everything but log lines.
    if (event.type !== 'log') listChanged = true;
    if (event.runId === selected) detailChanged = true;
  }
  applied += events.length;
  if (replace) waterfall.forget((runId) => state.get(runId) !== undefined);
  const before = selected;
  if (newest && watchingNewest) selected = newest;
  if (!selected || !state.get(selected)) selected = state.newestFirst()[0]?.started.runId;
  if (selected !== before) {
    listChanged = detailChanged = true;
    save();
  }
  schedule(listChanged, detailChanged);
  post({ type: 'applied', events: applied, runs: state.size });
}

window.addEventListener('message', (event: MessageEvent<ExtensionToPanel>) => {
  const message = event.data;
  switch (message.type) {
    case 'events':
      applyEvents(message.events, message.replace === true);
      break;
    case 'running':
      running = new Set(message.runIds);
      schedule(false, true);
      break;
    case 'select':
      select(message.runId);
      break;
  }
});

// Running calls grow on the time axis; redraw the selected run while it runs.
setInterval(() => {
  const run = selected ? state.get(selected) : undefined;
  if (run && !run.finished) schedule(false, true);
}, 250);

showTab(tab);
schedule(true, true);
post({ type: 'ready' });
