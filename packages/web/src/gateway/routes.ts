/**
 * The gateway's URL space, under its prefix P (`""` by default):
 *
 * | path                          | what                                                       |
 * | ----------------------------- | ---------------------------------------------------------- |
 * | `P/`, `P/pyro/`               | redirect to the console                                    |
 * | `P/console/`                  | the web console (its files: `P/console/<file>`)            |
 * | `P/pyro/$client.js`           | the browser client (an ES module; its parts under `P/pyro/$client/`) |
 * | `P/pyro/$names`               | exposed names with URI and metadata (JSON)                 |
 * | `P/pyro/$stats`               | call statistics seen by this gateway (JSON)                |
 * | `P/pyro/$batch`               | several calls in one POST                                  |
 * | `P/pyro/<name>/$meta`         | the object's methods, attributes and oneway methods        |
 * | `P/pyro/<name>/$ping`         | the object's daemon answers a ping (liveness, round trip)  |
 * | `P/pyro/<name>/<member>`      | call a method or read an attribute (Pyro's gateway URL)    |
 * | `P/metrics`                   | Prometheus metrics, when the gateway has them              |
 *
 * As in Pyro's gateway, the last `/` separates the object name from the member, so a name may
 * contain `/`; both parts are percent-decoded. Paths are never mapped to files: static files are
 * a fixed table held in memory.
 */
import { GatewayError } from "./errors.js";

/** What a request path asks for. */
export type Route =
  | { readonly kind: "redirect"; readonly location: string }
  | { readonly kind: "console"; readonly file: string }
  | { readonly kind: "client"; readonly file: string }
  | { readonly kind: "names" }
  | { readonly kind: "stats" }
  | { readonly kind: "batch" }
  | { readonly kind: "meta"; readonly name: string }
  | { readonly kind: "ping"; readonly name: string }
  | { readonly kind: "member"; readonly name: string; readonly member: string }
  | { readonly kind: "metrics" };

/** The route of `path` (the request target without its query) under `prefix`; GatewayError `not-found` if none. */
export function routeOf(path: string, prefix: string): Route {
  if (!path.startsWith(prefix)) throw notFound(path);
  const rest = path.slice(prefix.length);
  if (rest === "" || rest === "/" || rest === "/pyro" || rest === "/pyro/" || rest === "/console") return { kind: "redirect", location: `${prefix}/console/` };
  if (rest.startsWith("/console/")) return { kind: "console", file: rest.slice("/console/".length) || "index.html" };
  if (rest === "/metrics") return { kind: "metrics" };
  if (!rest.startsWith("/pyro/")) throw notFound(path);
  const target = rest.slice("/pyro/".length);
  switch (target) {
    case "$client.js":
      return { kind: "client", file: "$client.js" };
    case "$names":
      return { kind: "names" };
    case "$stats":
      return { kind: "stats" };
    case "$batch":
      return { kind: "batch" };
  }
  if (target.startsWith("$client/")) return { kind: "client", file: target.slice("$client/".length) };
  const slash = target.lastIndexOf("/");
  if (slash <= 0 || slash === target.length - 1) throw notFound(path);
  const name = decode(target.slice(0, slash));
  const member = decode(target.slice(slash + 1));
  if (member === "$meta") return { kind: "meta", name };
  if (member === "$ping") return { kind: "ping", name };
  if (member.startsWith("$")) throw new GatewayError("not-found", `unknown gateway function ${JSON.stringify(member)} (known: $meta, $ping)`);
  return { kind: "member", name, member };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new GatewayError("bad-request", "the URL path has an invalid percent-encoding");
  }
}

function notFound(path: string): GatewayError {
  return new GatewayError("not-found", `nothing here: ${path.length > 200 ? `${path.slice(0, 200)}...` : path} (calls go to <prefix>/pyro/<name>/<method>)`);
}
