/**
 * Loaded with `node --import`: makes every ESM import of the packages named in `FORBID_MODULES`
 * (comma-separated, e.g. `prom-client,@opentelemetry/api`) fail, so a suite can show that a
 * process runs without ever loading them.
 */
import { register } from "node:module";

const forbidden = (process.env.FORBID_MODULES ?? "").split(",").filter((name) => name !== "");
const hooks = `
const forbidden = ${JSON.stringify(forbidden)};
export async function resolve(specifier, context, next) {
  if (forbidden.some((name) => specifier === name || specifier.startsWith(name + "/"))) throw new Error("forbidden module loaded: " + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
