// A collapsible JSON tree. Children are built only when a node is opened, and long arrays open
// into groups of a hundred, so a large result costs nothing until someone looks inside it.

import { formatCount, h, icon } from './dom';
import type { Payload } from './protocol';

const GROUP = 100;
const OPEN_DEPTH = 1;

type Container = { readonly [key: string]: unknown } | readonly unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function summary(value: Container): string {
  if (Array.isArray(value)) return `[${formatCount(value.length)} ${value.length === 1 ? 'item' : 'items'}]`;
  const keys = Object.keys(value).length;
  return `{${formatCount(keys)} ${keys === 1 ? 'key' : 'keys'}}`;
}

function leaf(value: unknown): HTMLElement {
  if (value === null) return h('span', { class: 'json-value null', text: 'null' });
  switch (typeof value) {
    case 'string':
      return h('span', { class: 'json-value string', text: JSON.stringify(value) });
    case 'number':
    case 'boolean':
      return h('span', { class: `json-value ${typeof value}`, text: String(value) });
    default:
      return h('span', { class: 'json-value undefined', text: String(value) });
  }
}

function keyLabel(key: string | undefined): HTMLElement | undefined {
  return key === undefined ? undefined : h('span', { class: 'json-key', text: `${key}: ` });
}

/** Entries of a container, as [label, value]; arrays beyond a hundred come back as groups. */
function entries(value: Container, offset: number): [string, unknown, boolean][] {
  if (!Array.isArray(value)) return Object.entries(value).map(([key, child]) => [JSON.stringify(key).slice(1, -1), child, false]);
  if (value.length <= GROUP) return value.map((child, index) => [String(offset + index), child, false]);
  const size = Math.max(GROUP, GROUP ** Math.ceil(Math.log(value.length) / Math.log(GROUP) - 1));
  const groups: [string, unknown, boolean][] = [];
  for (let start = 0; start < value.length; start += size) {
    const slice = value.slice(start, start + size);
    groups.push([`[${offset + start} … ${offset + start + slice.length - 1}]`, { slice, offset: offset + start }, true]);
  }
  return groups;
}

function node(key: string | undefined, value: unknown, depth: number, group?: { slice: readonly unknown[]; offset: number }): HTMLElement {
  const container = group ? group.slice : value;
  if (!isContainer(container)) return h('div', { class: 'json-node', attrs: { role: 'treeitem' } }, keyLabel(key), leaf(container));
  const item = h('div', { class: 'json-node', attrs: { role: 'treeitem' } });
  const toggle = h('button', { class: 'json-toggle', attrs: { type: 'button', 'aria-expanded': 'false' } }, icon('chevron-right'), keyLabel(group ? undefined : key), h('span', { class: 'json-summary', text: group ? key : summary(container) }));
  const children = h('div', { class: 'json-children', attrs: { role: 'group' } });
  let built = false;
  const setOpen = (open: boolean): void => {
    if (open && !built) {
      built = true;
      for (const [childKey, child, isGroup] of entries(container, group?.offset ?? 0)) {
        children.append(isGroup ? node(childKey, undefined, depth + 1, child as { slice: readonly unknown[]; offset: number }) : node(childKey, child, depth + 1));
      }
    }
    toggle.setAttribute('aria-expanded', String(open));
    toggle.firstElementChild!.className = `codicon codicon-chevron-${open ? 'down' : 'right'}`;
    children.hidden = !open;
  };
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  item.append(toggle, children);
  setOpen(depth <= OPEN_DEPTH && (Array.isArray(container) ? container.length : Object.keys(container).length) <= GROUP);
  return item;
}

/** A tree for a panel payload: a value, or the start of a value too large to send whole. */
export function jsonTree(payload: Payload | undefined, emptyText = '(no value)'): HTMLElement {
  const tree = h('div', { class: 'json-tree', attrs: { role: 'tree' } });
  if (payload === undefined || (payload.kind === 'json' && payload.value === undefined)) {
    tree.append(h('span', { class: 'json-empty', text: emptyText }));
  } else if (payload.kind === 'truncated') {
    tree.append(
      h('p', { class: 'json-truncated', text: `Too large to show whole: the first ${formatCount(payload.preview.length)} of ${formatCount(payload.chars)} characters of its JSON.` }),
      h('pre', { class: 'json-preview', text: payload.preview }),
    );
  } else {
    tree.append(node(undefined, payload.value, 0));
  }
  return tree;
}

/** The text the copy button puts on the clipboard. */
export function payloadText(payload: Payload | undefined): string {
  if (payload === undefined) return '';
  if (payload.kind === 'truncated') return payload.preview;
  return JSON.stringify(payload.value, null, 2) ?? '';
}
