// Small DOM helpers. Every text goes in through textContent, never as HTML, so nothing a script
// or a tool returns can become markup in the panel.

type Attributes = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Attributes } = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}

/** A codicon (the font ships with the panel); decorative, so screen readers skip it. */
export function icon(name: string, extraClass = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** A button with an icon and a label; `data-action` names what it does. */
export function button(label: string, iconName: string, action: string): HTMLButtonElement {
  return h('button', { class: 'text-button', attrs: { type: 'button', 'data-action': action, title: label } }, icon(iconName), h('span', { text: label }));
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
