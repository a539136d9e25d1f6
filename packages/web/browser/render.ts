/**
 * Small DOM helpers for the console. Everything shown comes from the network (names, tags,
 * results, error messages) and is set as text, never parsed as HTML.
 */

/** A new element with text content and attributes. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** The element with `id`; throws when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the console page has no #${id}`);
  return node as T;
}

/** Replaces the options of a select, keeping the selected value when it is still there. */
export function setOptions(select: HTMLSelectElement, options: readonly { value: string; label: string }[]): void {
  const previous = select.value;
  select.replaceChildren(...options.map((option) => element("option", option.label, { value: option.value })));
  if (options.some((option) => option.value === previous)) select.value = previous;
}

/** A number for a table cell: `–` for none, at most 3 decimals. */
export function figure(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return String(Math.round(value * 1000) / 1000);
}

/** A value from the gateway as readable JSON (bytes and big integers shown for what they are). */
export function display(value: unknown): string {
  if (value === undefined) return "(no result)";
  return (
    JSON.stringify(
      value,
      (_key, item: unknown) => {
        if (typeof item === "bigint") return `${item}n`;
        if (item instanceof Uint8Array) return `<${item.length} bytes>`;
        if (typeof item === "number" && !Number.isFinite(item)) return String(item);
        return item;
      },
      2,
    ) ?? String(value)
  );
}
