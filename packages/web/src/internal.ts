/**
 * The gateway's building blocks, for this package's tests and sibling packages (not a stable API):
 * `import { routeOf, CallStats } from "@pyrots/web/internal"`.
 */
export * from "./index.js";
export * from "./gateway/access.js";
export * from "./gateway/body.js";
export * from "./gateway/errors.js";
export * from "./gateway/params.js";
export * from "./gateway/routes.js";
export * from "./gateway/stats.js";
export { normalizePrefix } from "./gateway/options.js";
