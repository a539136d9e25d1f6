/**
 * Loaded with `node --import`: makes every ESM import of the packages named in `FORBID_MODULES`
 * (comma-separated, e.g. `prom-client,@opentelemetry/api`) fail, so a suite can show that a
 * process runs without ever loading them. With `FORBID_AS_MISSING=1` the failure is the one Node
 * gives for a package that is not installed (`ERR_MODULE_NOT_FOUND`).
 */
import { register } from "node:module";

const forbidden = (process.env.FORBID_MODULES ?? "").split(",").filter((name) => name !== "");
const asMissing = process.env.FORBID_AS_MISSING === "1";
const hooks = `
const forbidden = ${JSON.stringify(forbidden)};
export async function resolve(specifier, context, next) {
  const name = forbidden.find((name) => specifier === name || specifier.startsWith(name + "/"));
  if (name === undefined) return next(specifier, context);
  if (!${asMissing}) throw new Error("forbidden module loaded: " + specifier);
  const error = new Error("Cannot find package '" + name + "' imported from " + context.parentURL);
  error.code = "ERR_MODULE_NOT_FOUND";
  throw error;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
