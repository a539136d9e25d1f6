/**
 * What `pyro-check-config` prints: the effective configuration as an aligned table (or JSON),
 * each value with where it came from. Secrets are masked.
 */
import { ConfigError, type ConfigRow, type PyroConfig, configTable, explainConfig } from "@pyrots/core";

/** Items whose values are secrets: shown as `(set)`, never printed. */
const SECRET_ITEMS = new Set(["HMAC_KEY", "SSL_SERVERKEYPASSWD", "SSL_CLIENTKEYPASSWD"]);

/**
 * Turns `NAME=VALUE` assignments (Pyro item name like `NS_PORT`, `PYRO_NS_PORT`, or the option key
 * `nsPort`) into options, parsing each value the way the environment variable would be parsed.
 */
export function parseAssignments(assignments: readonly string[]): Partial<PyroConfig> {
  const options: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new ConfigError(`expected NAME=VALUE, got ${JSON.stringify(assignment)}`);
    const name = assignment.slice(0, eq);
    const item = configTable.find((i) => i.key === name || i.name === name.toUpperCase() || i.envName === name.toUpperCase());
    if (item === undefined) throw unknownItem(name);
    const parsed = explainConfig({}, { [item.envName]: assignment.slice(eq + 1) }).find((row) => row.key === item.key)!;
    options[item.key] = parsed.value;
  }
  return options as Partial<PyroConfig>;
}

/** "unknown config item X; did you mean Y?", borrowing the environment parser's suggestion. */
function unknownItem(name: string): ConfigError {
  const upper = name.toUpperCase();
  try {
    explainConfig({}, { [upper.startsWith("PYRO_") ? upper : `PYRO_${upper}`]: "" });
  } catch (error) {
    const suggestion = error instanceof ConfigError ? error.suggestion?.replace(/^PYRO_/, "") : undefined;
    if (suggestion) return new ConfigError(`unknown config item ${name}; did you mean ${suggestion}?`, name, suggestion);
  }
  return new ConfigError(`unknown config item ${name} (docs/configuration.md lists them all)`, name);
}

/** The effective configuration for `options` over `env`, secrets masked. */
export function reportRows(options: Partial<PyroConfig>, env: Readonly<Record<string, string | undefined>>): ConfigRow[] {
  return explainConfig(options, env).map((row) => (SECRET_ITEMS.has(row.name) && row.value !== null && row.value !== "" ? { ...row, value: "(set)" } : row));
}

/** A value as the table shows it: lists comma-separated, unset as `(unset)`, empty as `""`. */
export function formatValue(value: ConfigRow["value"]): string {
  if (value === null) return "(unset)";
  if (Array.isArray(value)) return value.join(",");
  if (value === "") return '""';
  return String(value);
}

/** The rows as aligned text lines, with a header and a closing summary. */
export function formatTable(rows: readonly ConfigRow[]): string[] {
  const cells = [["item", "environment variable", "option", "value", "source"], ...rows.map((r) => [r.name, r.envName, r.key, formatValue(r.value), r.source])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const lines = cells.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  const count = (source: string) => rows.filter((r) => r.source === source).length;
  lines.push("", `${rows.length} items: ${count("default")} default, ${count("environment")} from the environment, ${count("option")} from options`);
  return lines;
}
