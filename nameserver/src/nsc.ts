/**
 * The commands of `pyro-nsc` (Pyro4's `nsc` plus Pyro5's `yplookup_*`), run against a name server
 * proxy. Kept apart from the argument parsing so they can be driven directly.
 *
 * | command                  | name server call                                   |
 * | ------------------------ | -------------------------------------------------- |
 * | `ping`                   | `ping()`                                           |
 * | `list [PREFIX]`          | `list(prefix=PREFIX, return_metadata=True)`        |
 * | `listmatching REGEX`     | `list(regex=REGEX, return_metadata=True)`          |
 * | `listmeta_all TAG...`    | `list(metadata_all=TAGS, return_metadata=True)`    |
 * | `listmeta_any TAG...`    | `list(metadata_any=TAGS, return_metadata=True)`    |
 * | `yplookup_all TAG...`    | `yplookup(meta_all=TAGS)` (`list` on a Pyro4 NS)   |
 * | `yplookup_any TAG...`    | `yplookup(meta_any=TAGS)` (`list` on a Pyro4 NS)   |
 * | `lookup NAME`            | `lookup(NAME, return_metadata=True)`               |
 * | `register NAME URI`      | `register(NAME, URI, safe=True)`                   |
 * | `remove NAME`            | `remove(NAME)`                                     |
 * | `removematching REGEX`   | `remove(regex=REGEX)`, after a y/n question on a terminal |
 * | `setmeta NAME [TAG...]`  | `set_metadata(NAME, TAGS)`                         |
 */
import { type URI, callWithKwargs, metadataOf } from "@pyrots/core";
import { UsageError } from "@pyrots/core/cli";
import { printable, printableLine } from "./printable.js";

/** Each command's argument count (min, max) and what to say when it is wrong. */
const ARITY: Readonly<Record<string, readonly [number, number, string]>> = {
  ping: [0, 0, "no arguments"],
  list: [0, 1, "at most one argument: prefix"],
  listmatching: [1, 1, "one argument: regex"],
  listmeta_all: [1, Infinity, "at least one metadata tag"],
  listmeta_any: [1, Infinity, "at least one metadata tag"],
  yplookup_all: [1, Infinity, "at least one metadata tag"],
  yplookup_any: [1, Infinity, "at least one metadata tag"],
  lookup: [1, 1, "one argument: name"],
  register: [2, 2, "two arguments: name uri"],
  remove: [1, 1, "one argument: name"],
  removematching: [1, 1, "one argument: regex"],
  setmeta: [1, Infinity, "a name and zero or more metadata tags"],
};

/** Every command name. */
export const NSC_COMMANDS: readonly string[] = Object.keys(ARITY);

/** What the commands need from their surroundings. */
export interface NscContext {
  /** Writes one line of output. */
  say(line: string): void;
  /** Asks a yes/no question; undefined means "don't ask, go ahead". */
  confirm?: (question: string) => Promise<boolean>;
}

type Entries = Record<string, [string, string[]]>;

/** Throws UsageError for an unknown command or a wrong argument count. */
export function checkNscCommand(command: string, args: readonly string[]): void {
  const arity = Object.hasOwn(ARITY, command) ? ARITY[command] : undefined;
  if (arity === undefined) {
    throw new UsageError(
      command ? `unknown command "${command}" (commands: ${NSC_COMMANDS.join(", ")})` : `missing command (commands: ${NSC_COMMANDS.join(", ")})`,
    );
  }
  if (args.length < arity[0] || args.length > arity[1]) throw new UsageError(`${command} requires ${arity[2]}`);
}

/** Runs one command against a name server proxy; throws UsageError for a wrong command. */
export async function runNscCommand(ns: object, command: string, args: readonly string[], ctx: NscContext): Promise<void> {
  checkNscCommand(command, args);
  const call = (method: string, positional: unknown[], kwargs: Record<string, unknown> = {}) => callWithKwargs(ns, method, positional, kwargs);
  switch (command) {
    case "ping":
      await call("ping", []);
      return ctx.say("Name server ping ok.");
    case "list":
      return printList(
        ctx,
        (await call("list", [], { prefix: args[0] ?? null, return_metadata: true })) as Entries,
        args[0] === undefined ? "" : `prefix '${args[0]}'`,
      );
    case "listmatching":
      return printList(ctx, (await call("list", [], { regex: args[0], return_metadata: true })) as Entries, `regex '${args[0]}'`);
    case "listmeta_all":
    case "listmeta_any": {
      const key = command === "listmeta_all" ? "metadata_all" : "metadata_any";
      return printList(
        ctx,
        (await call("list", [], { [key]: [...new Set(args)], return_metadata: true })) as Entries,
        `metadata ${command.slice(9)} of ${args.join(", ")}`,
      );
    }
    case "yplookup_all":
    case "yplookup_any": {
      const which = command.slice(9);
      const tags = [...new Set(args)];
      // A Pyro4 name server has no yplookup; its list() does the same search.
      const result = hasMethod(ns, "yplookup")
        ? await call("yplookup", [], { [`meta_${which}`]: tags, return_metadata: true })
        : await call("list", [], { [`metadata_${which}`]: tags, return_metadata: true });
      return printList(ctx, result as Entries, `metadata ${which} of ${args.join(", ")}`);
    }
    case "lookup": {
      const [uri, tags] = (await call("lookup", [args[0]], { return_metadata: true })) as [URI, unknown];
      ctx.say(printable(String(uri)));
      if (Array.isArray(tags) && tags.length > 0) ctx.say(`metadata: ${printableTags(tags)}`);
      return;
    }
    case "register":
      await call("register", [args[0], args[1]], { safe: true });
      return ctx.say(`Registered ${args[0]}`);
    case "remove": {
      const count = (await call("remove", [args[0]])) as number;
      return ctx.say(count > 0 ? `Removed ${args[0]}` : "Nothing removed");
    }
    case "removematching": {
      if (ctx.confirm && !(await ctx.confirm("Potentially removing lots of items from the Name server. Are you sure (y/n)? "))) {
        return ctx.say("Nothing removed");
      }
      const count = (await call("remove", [], { regex: args[0] })) as number;
      return ctx.say(`${printable(String(count))} item${count === 1 ? "" : "s"} removed.`);
    }
    case "setmeta": {
      const tags = [...new Set(args.slice(1))];
      await call("set_metadata", [args[0], tags]);
      return ctx.say(tags.length > 0 ? "Metadata updated" : "Metadata cleared");
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/**
 * Prints names → URIs aligned, sorted by name, with their metadata under each. Everything the
 * name server sent is printed through {@link printable}: it comes from whoever registered it.
 */
export function printList(ctx: NscContext, entries: Entries, title: string): void {
  const names = Object.keys(entries).sort();
  const shown = names.map(printable);
  const width = Math.max(0, ...shown.map((n) => n.length));
  ctx.say(`--------START LIST${title ? ` - ${printableLine(title)}` : ""}`);
  names.forEach((name, i) => {
    const [uri, tags] = entries[name]!;
    ctx.say(`${shown[i]!.padEnd(width)} --> ${printable(String(uri))}`);
    if (Array.isArray(tags) && tags.length > 0) ctx.say(`${" ".repeat(width)}     metadata: ${printableTags(tags)}`);
  });
  ctx.say(`--------END LIST (${names.length} name${names.length === 1 ? "" : "s"})`);
}

function printableTags(tags: readonly unknown[]): string {
  return tags
    .map((tag) => String(tag))
    .sort()
    .map(printable)
    .join(", ");
}

function hasMethod(proxy: object, method: string): boolean {
  const meta = metadataOf(proxy);
  return meta === undefined || meta.methods.includes(method);
}
