// The tool-call waterfall: one row per call on a shared time axis, the way a network inspector
// shows requests, so calls a script ran together sit side by side. Selecting a row shows the
// call's arguments, result and error underneath.

import { h, icon } from './dom';
import { jsonTree } from './jsonTree';
import { callDuration, callOffset, formatMs, runSpan, type CallView, type RunView } from './state';
import { VirtualList } from './virtualList';

const ROW_HEIGHT = 24;
const MAX_ROWS = 16;
/** Room one axis label needs, so labels never run into each other in a narrow panel. */
const TICK_PX = 72;

/** A round step for the axis: 1, 2 or 5 times a power of ten, giving at most `ticks` ticks. */
function tickStep(span: number, ticks: number): number {
  const raw = span / Math.max(1, ticks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= raw);
  return step ?? 10 * power;
}

function callState(call: CallView): 'ok' | 'failed' | 'running' {
  return call.ok === undefined ? 'running' : call.ok ? 'ok' : 'failed';
}

const STATE_ICONS = { ok: 'pass', failed: 'error', running: 'loading' } as const;

export class Waterfall {
  readonly element: HTMLElement;
  private readonly axis = h('div', { class: 'waterfall-axis', attrs: { 'aria-hidden': 'true' } });
  private readonly list: VirtualList<CallView>;
  private readonly detail = h('div', { class: 'call-detail' });
  private readonly empty = h('p', { class: 'empty', text: 'This run made no tool calls.' });
  private run: RunView | undefined;
  private span = 1;
  private now = Date.now();
  private selectedCall: number | undefined;
  private detailKey = '';
  private readonly selections = new Map<string, number>();

  constructor() {
    this.list = new VirtualList<CallView>('waterfall-rows', ROW_HEIGHT, MAX_ROWS, (call) => this.row(call));
    const rows = this.list.element;
    rows.tabIndex = 0;
    rows.setAttribute('role', 'listbox');
    rows.setAttribute('aria-label', 'Tool calls');
    rows.addEventListener('keydown', (event) => this.onKey(event));
    rows.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('.call-row');
      if (row) this.select(Number(row.dataset.callId));
    });
    this.element = h('div', { class: 'waterfall' }, this.empty, this.axis, rows, this.detail);
    // The number of axis labels follows the panel's width.
    new ResizeObserver(() => this.drawAxis()).observe(this.axis);
  }

  show(run: RunView, now: number): void {
    if (this.run?.started.runId !== run.started.runId) this.detailKey = '';
    this.run = run;
    this.now = now;
    this.span = runSpan(run, now);
    this.selectedCall = this.selections.get(run.started.runId);
    const hasCalls = run.calls.length > 0;
    this.empty.hidden = hasCalls;
    this.axis.hidden = !hasCalls;
    this.list.element.hidden = !hasCalls;
    this.drawAxis();
    this.list.setItems(run.calls);
    this.list.element.setAttribute('aria-activedescendant', this.selectedCall === undefined ? '' : `call-${this.selectedCall}`);
    this.drawDetail();
  }

  /** Forgets the selected call of runs no longer shown. */
  forget(keep: (runId: string) => boolean): void {
    for (const runId of this.selections.keys()) if (!keep(runId)) this.selections.delete(runId);
  }

  /** Draws the rows again, for a list that was hidden while its run changed. */
  redraw(): void {
    this.list.redraw();
  }

  private drawAxis(): void {
    const track = this.axis.querySelector<HTMLElement>('.axis-track');
    const width = track?.clientWidth || 400;
    const step = tickStep(this.span, Math.floor(width / TICK_PX));
    const ticks: HTMLElement[] = [];
    for (let at = 0; at <= this.span; at += step) {
      const tick = h('span', { class: 'tick', text: at === 0 ? '0' : formatMs(at) });
      tick.style.left = `${(at / this.span) * 100}%`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(h('span', { class: 'axis-label', text: 'Call' }), h('div', { class: 'axis-track' }, ...ticks), h('span', { class: 'axis-label', text: 'Time' }));
  }

  private row(call: CallView): HTMLElement {
    const state = callState(call);
    const selected = call.callId === this.selectedCall;
    const offset = callOffset(this.run!, call);
    const duration = callDuration(call, this.now);
    const bar = h('span', { class: 'call-bar' });
    bar.style.left = `${(offset / this.span) * 100}%`;
    // At least a sliver, so an instant call is still visible.
    bar.style.width = `max(2px, ${(duration / this.span) * 100}%)`;
    return h(
      'div',
      { class: `call-row ${state}${selected ? ' selected' : ''}`, attrs: { role: 'option', id: `call-${call.callId}`, 'data-call-id': call.callId, 'aria-selected': String(selected), title: `${call.server}.${call.tool}${call.error ? `: ${call.error}` : ''}` } },
      h('span', { class: 'call-name' }, icon(STATE_ICONS[state], state === 'running' ? 'codicon-modifier-spin' : ''), h('span', { text: `${call.server}.${call.tool}` })),
      h('span', { class: 'call-track' }, bar),
      h('span', { class: 'call-duration', text: call.durationMs === undefined ? '…' : formatMs(call.durationMs) }),
    );
  }

  private select(callId: number): void {
    if (!this.run) return;
    this.selections.set(this.run.started.runId, callId);
    this.show(this.run, this.now);
    const index = this.run.calls.findIndex((call) => call.callId === callId);
    if (index >= 0) this.list.scrollToIndex(index);
    this.detail.scrollIntoView({ block: 'nearest' });
  }

  private onKey(event: KeyboardEvent): void {
    const calls = this.run?.calls ?? [];
    if (calls.length === 0) return;
    const index = calls.findIndex((call) => call.callId === this.selectedCall);
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = Math.min(calls.length - 1, index + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, index < 0 ? 0 : index - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = calls.length - 1;
    else if (event.key === 'Enter' || event.key === ' ') next = Math.max(0, index);
    if (next === undefined) return;
    event.preventDefault();
    this.select(calls[next]!.callId);
  }

  private drawDetail(): void {
    const call = this.run?.calls.find((candidate) => candidate.callId === this.selectedCall);
    // Rebuilding the trees would close what the reader opened; redraw only when the call changed.
    const key = call ? `${this.run!.started.runId}:${call.callId}:${callState(call)}` : '';
    if (key === this.detailKey) return;
    this.detailKey = key;
    if (!call) {
      this.detail.replaceChildren(h('p', { class: 'hint', text: this.run && this.run.calls.length > 0 ? 'Select a call to see its arguments and result.' : '' }));
      return;
    }
    const state = callState(call);
    this.detail.replaceChildren(
      h(
        'h3',
        {},
        icon(STATE_ICONS[state]),
        h('span', { text: `${call.server}.${call.tool}` }),
        ...[`call ${call.callId}`, `started at ${formatMs(callOffset(this.run!, call))}`, call.durationMs === undefined ? 'running' : formatMs(call.durationMs)].map((part) => h('span', { class: 'meta-part muted', text: part })),
      ),
      h('div', { class: 'call-args' }, h('h4', { text: 'Arguments' }), jsonTree(call.args, '(none)')),
      call.error !== undefined
        ? h('div', { class: 'call-error' }, h('h4', { text: 'Error' }), h('pre', { text: call.error }))
        : h('div', { class: 'call-result' }, h('h4', { text: 'Result' }), jsonTree(call.result, state === 'running' ? '(running…)' : '(no result)')),
    );
  }
}
