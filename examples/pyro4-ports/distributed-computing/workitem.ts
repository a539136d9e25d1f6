/**
 * Port of Pyro4's `examples/distributed-computing/workitem.py`: the work item, an application
 * class that travels between client, dispatcher and workers.
 *
 * Pyro4 serializes it as a dict naming its class (`{"__class__": "workitem.Workitem", ...}`) and
 * rebuilds it with `register_dict_to_class`. In pyrots: `toJSON()` makes that dict, and the
 * `dictToClass` option (of a proxy or daemon) rebuilds it: see {@link WORKITEM_CLASSES}.
 */
import type { DictToClass } from "@pyrots/core";

export class Workitem {
  result: number[] | null = null;
  processedBy: string | null = null;

  constructor(
    readonly itemId: number,
    readonly data: number,
  ) {
    console.log(`Created workitem ${itemId}`);
  }

  toString(): string {
    return `<Workitem id=${this.itemId}>`;
  }

  /** The dict Pyro4 sends for a Workitem. */
  toJSON(): Record<string, unknown> {
    return { __class__: "workitem.Workitem", itemId: this.itemId, data: this.data, result: this.result, processedBy: this.processedBy };
  }

  /** Rebuilds a Workitem from its dict (data from the network: checked). */
  static fromDict(d: Record<string, unknown>): Workitem {
    if (typeof d.itemId !== "number" || typeof d.data !== "number") throw new TypeError("invalid workitem");
    const item = new Workitem(d.itemId, d.data);
    item.result = Array.isArray(d.result) ? d.result.map(Number) : null;
    item.processedBy = typeof d.processedBy === "string" ? d.processedBy : null;
    return item;
  }
}

/** The `dictToClass` option that makes Workitem dicts Workitems again. */
export const WORKITEM_CLASSES: Record<string, DictToClass> = { "workitem.Workitem": (d) => Workitem.fromDict(d) };
