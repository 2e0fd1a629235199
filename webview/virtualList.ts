// A list that draws only the rows in view, so a run of 1,000 calls or 10,000 log lines costs the
// same as a run of twenty. Rows have one fixed height; the list is as tall as its rows up to
// `maxRows`, then scrolls; it keeps its scroll position when its items change, and follows the end
// when it was already scrolled there (a live log).

import { h } from './dom';

const OVERSCAN = 8;

export class VirtualList<T> {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement;
  private items: readonly T[] = [];
  private frame = 0;

  constructor(
    className: string,
    private readonly rowHeight: number,
    private readonly maxRows: number,
    private readonly renderRow: (item: T, index: number) => HTMLElement,
  ) {
    this.rows = h('div', { class: 'virtual-rows' });
    this.spacer = h('div', { class: 'virtual-spacer' }, this.rows);
    this.element = h('div', { class: `virtual-list ${className}` }, this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
  }

  setItems(items: readonly T[], { follow = false }: { follow?: boolean } = {}): void {
    const atEnd = this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - this.rowHeight;
    this.items = items;
    this.spacer.style.height = `${items.length * this.rowHeight}px`;
    // Two pixels for the list's border, so a short list shows every row without a scroll bar.
    this.element.style.height = `${Math.min(items.length, this.maxRows) * this.rowHeight + 2}px`;
    if (follow && atEnd) this.element.scrollTop = this.element.scrollHeight;
    this.draw();
  }

  /** Redraws the rows in view (after their data changed in place, or the list was shown). */
  redraw(): void {
    this.draw();
  }

  scrollToIndex(index: number): void {
    const top = index * this.rowHeight;
    const view = this.element.clientHeight || this.rowHeight * this.maxRows;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + this.rowHeight > this.element.scrollTop + view) this.element.scrollTop = top + this.rowHeight - view;
    this.draw();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const view = this.element.clientHeight || this.rowHeight * this.maxRows;
    const first = Math.max(0, Math.floor(this.element.scrollTop / this.rowHeight) - OVERSCAN);
    const last = Math.min(this.items.length, Math.ceil((this.element.scrollTop + view) / this.rowHeight) + OVERSCAN);
    const nodes: HTMLElement[] = [];
    for (let index = first; index < last; index++) {
      const node = this.renderRow(this.items[index]!, index);
      node.style.height = `${this.rowHeight}px`;
      nodes.push(node);
    }
    this.rows.style.transform = `translateY(${first * this.rowHeight}px)`;
    this.rows.replaceChildren(...nodes);
  }
}
