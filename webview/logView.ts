// A run's logs: level toggles and a text filter over a virtualised list that follows new lines
// while it is scrolled to the end. Rows have one height, so a line break shows as ⏎.

import { formatCount, h } from './dom';
import type { LogLevel } from './protocol';
import { filterLogs, formatMs, type LogView as LogLine, type RunView } from './state';
import { VirtualList } from './virtualList';

const ROW_HEIGHT = 20;
const MAX_ROWS = 24;
const LEVELS: readonly LogLevel[] = ['log', 'info', 'warn', 'error'];

export interface LogFilter {
  levels: Set<LogLevel>;
  text: string;
}

export class LogView {
  readonly element: HTMLElement;
  private readonly list: VirtualList<LogLine>;
  private readonly count = h('span', { class: 'log-count' });
  private readonly input: HTMLInputElement;
  private run: RunView | undefined;
  private shown = -1;
  private shownRun = '';

  constructor(private readonly filter: LogFilter, private readonly onFilterChange: () => void) {
    this.list = new VirtualList<LogLine>('log-list', ROW_HEIGHT, MAX_ROWS, (log) => this.row(log));
    this.list.element.tabIndex = 0;
    this.list.element.setAttribute('role', 'log');
    this.list.element.setAttribute('aria-label', 'Script logs');
    this.input = h('input', { class: 'log-filter', attrs: { type: 'search', placeholder: 'Filter logs', 'aria-label': 'Filter logs', spellcheck: 'false' } });
    this.input.value = filter.text;
    this.input.addEventListener('input', () => {
      this.filter.text = this.input.value;
      this.refresh();
    });
    const toolbar = h('div', { class: 'log-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Log filters' } }, this.input);
    for (const level of LEVELS) {
      const toggle = h('button', { class: `level-toggle level-${level}`, text: level, attrs: { type: 'button', 'data-level': level, 'aria-pressed': String(filter.levels.has(level)), title: `Show ${level} lines` } });
      toggle.addEventListener('click', () => {
        if (this.filter.levels.has(level)) this.filter.levels.delete(level);
        else this.filter.levels.add(level);
        toggle.setAttribute('aria-pressed', String(this.filter.levels.has(level)));
        this.refresh();
      });
      toolbar.append(toggle);
    }
    toolbar.append(this.count);
    this.element = h('div', { class: 'log-view' }, toolbar, this.list.element);
  }

  show(run: RunView): void {
    const sameRun = this.shownRun === run.started.runId;
    // Live runs add lines; redraw only when there are new ones.
    if (sameRun && this.shown === run.logs.length) return;
    this.run = run;
    this.shownRun = run.started.runId;
    this.shown = run.logs.length;
    this.draw(sameRun);
  }

  redraw(): void {
    this.list.redraw();
  }

  private refresh(): void {
    this.onFilterChange();
    this.draw(false);
  }

  private draw(follow: boolean): void {
    const logs = this.run?.logs ?? [];
    const visible = filterLogs(logs, this.filter.levels, this.filter.text);
    this.list.setItems(visible, { follow });
    this.count.textContent = visible.length === logs.length ? `${formatCount(logs.length)} lines` : `${formatCount(visible.length)} of ${formatCount(logs.length)} lines`;
  }

  private row(log: LogLine): HTMLElement {
    const offset = this.run ? formatMs(Math.max(0, log.at - this.run.started.at)) : '';
    return h('div', { class: `log-line level-${log.level}` }, h('span', { class: 'log-time', text: offset }), h('span', { class: 'log-level', text: log.level }), h('span', { class: 'log-text', text: log.text.replace(/\r?\n/g, ' ⏎ '), attrs: { title: log.text.length > 80 ? log.text.slice(0, 2000) : undefined } }));
  }
}
