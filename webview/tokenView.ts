// A run's token account: what entered the model's context with code mode beside what one-by-one
// tool calling would have cost for the same calls. The figures come from the extension (it owns
// the tokenizer); this view only lays them out, and says plainly that they are an estimate.

import { formatCount, h, icon } from './dom';
import type { TokenAccount } from './protocol';
import type { RunView } from './state';

type Side = TokenAccount['codeMode'];

function verdict(account: TokenAccount): string {
  const { codeMode, direct } = account;
  if (direct.total === 0) return 'Direct calling would have cost nothing here.';
  const change = (codeMode.total - direct.total) / direct.total;
  const percent = Math.round(Math.abs(change) * 100);
  if (percent === 0) return 'About the same as direct tool calling.';
  return change < 0 ? `${percent}% fewer tokens with code mode` : `${percent}% more tokens with code mode`;
}

function sideView(title: string, sideKey: string, side: Side, scale: number): HTMLElement {
  const bar = h('span', { class: 'token-bar' });
  bar.style.width = `${scale > 0 ? Math.max(0.5, (side.total / scale) * 100) : 0}%`;
  const rows = side.items.map((item) =>
    h('tr', {}, h('td', { text: item.count !== undefined ? `${item.label} (${formatCount(item.count)})` : item.label }), h('td', { class: 'num', text: formatCount(item.tokens) })),
  );
  return h(
    'div',
    { class: 'token-side', attrs: { 'data-side': sideKey } },
    h('div', { class: 'token-heading' }, h('span', { class: 'token-title', text: title }), h('span', { class: 'token-total', text: formatCount(side.total) }), h('span', { class: 'muted', text: ' tokens' })),
    h('div', { class: 'token-track', attrs: { 'aria-hidden': 'true' } }, bar),
    h('table', { class: 'token-items' }, h('tbody', {}, ...rows)),
  );
}

/** One line with the totals and the verdict; opened, the breakdown and how it is counted. */
export class TokenView {
  readonly element = h('details', { class: 'token-account', attrs: { 'aria-label': 'Token account' } });
  private shown: unknown;

  constructor(open: boolean, onToggle: () => void) {
    this.element.open = open;
    this.element.addEventListener('toggle', onToggle);
  }

  get open(): boolean {
    return this.element.open;
  }

  show(run: RunView): void {
    const key = run.tokens ?? run.tokensUnavailable ?? (run.finished ? 'counting' : 'running');
    if (key === this.shown) return;
    this.shown = key;
    if (!run.tokens) {
      const state = run.tokensUnavailable ? `not counted: ${run.tokensUnavailable}` : run.finished ? 'counting…' : 'counted when the run ends';
      this.element.replaceChildren(h('summary', {}, icon('symbol-numeric'), h('strong', { text: 'Tokens' }), h('span', { class: 'muted', text: state })));
      return;
    }
    const { account, apiNote } = run.tokens;
    const scale = Math.max(account.codeMode.total, account.direct.total);
    const saving = account.codeMode.total <= account.direct.total;
    const notes = [
      `An estimate, counted with the ${account.tokenizer} tokenizer; other model families count somewhat differently.`,
      `Code mode: ${apiNote}; Code Mode's own tool definitions; the script; the output returned to the model.`,
      "Direct tool calls: every available tool's definition; for each call this run made, its arguments and its full result.",
      'Message framing, which both would add, is left out.',
    ];
    if (account.estimatedChars > 0) notes.push(`${formatCount(account.estimatedChars)} characters of very large results were estimated from the ratio of the text counted, not tokenized one by one.`);
    this.element.replaceChildren(
      h(
        'summary',
        { attrs: { title: 'Show how the tokens are counted' } },
        icon('symbol-numeric'),
        h('strong', { text: 'Tokens into the model’s context' }),
        h('span', { class: `token-verdict ${saving ? 'saving' : 'cost'}`, text: verdict(account) }),
        h('span', { class: 'token-summary-figures', text: `${formatCount(account.codeMode.total)} with code mode, ${formatCount(account.direct.total)} with direct calls (estimate)` }),
      ),
      h('div', { class: 'token-sides' }, sideView('Code mode', 'code-mode', account.codeMode, scale), sideView('Direct tool calls', 'direct', account.direct, scale)),
      h('ul', { class: 'token-note' }, ...notes.map((text) => h('li', { text }))),
    );
  }
}
