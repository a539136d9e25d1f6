// dependency-cruiser (`npm run check:deps`): the layers of packages/core/src, no cycles, and
// packages that meet only through each other's declared entry points. docs/architecture.md
// explains the layers; keep the two in step.
const { readFileSync, readdirSync } = require("node:fs");

const CORE = "^packages/core/src/";
const LEAVES = `${CORE}(uri|errors|config|config-parse|decorators|debug|member-names|suggest)\\.ts$`;
const ENTRY = `${CORE}(index|internal)\\.ts$`;

/** A layer may import leaves and the layers before it, never the ones named here. */
const layerRules = [
  ["protocol", ["serializers", "transport", "daemon", "proxy", "naming", "endpoints"]],
  ["serializers", ["transport", "daemon", "proxy", "naming", "endpoints"]],
  ["transport", ["daemon", "proxy", "naming", "endpoints"]],
  ["daemon", ["proxy", "naming", "endpoints"]],
  ["proxy", ["daemon", "naming", "endpoints"]],
  ["naming", ["endpoints"]],
].map(([layer, above]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ sits below ${above.join(", ")}: it may import only the layers before it and the leaves (docs/architecture.md)`,
  severity: "error",
  from: { path: `${CORE}${layer}/` },
  to: { path: `${CORE}(${above.join("|")})/` },
}));

/** Each workspace package's declared entry points, as compiled files (from its `exports`). */
function entryFiles(dir) {
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
  const targets = Object.values(manifest.exports ?? { ".": manifest.main }).map((t) => (typeof t === "string" ? t : t.default));
  return targets.map((t) => `${dir}/${t.replace(/^\.\//, "")}`.replace(/[.]/g, "\\."));
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No cycles anywhere, type-only imports included: a cycle hides which module is the lower one.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: "leaves-stay-leaves",
      comment: "uri, errors, config*, decorators, debug, member-names and suggest may be imported by any layer, so they import only each other.",
      severity: "error",
      from: { path: LEAVES },
      to: { path: `${CORE}(?!(uri|errors|config|config-parse|decorators|debug|member-names|suggest)\\.ts$)` },
    },
    {
      name: "entry-points-are-for-users",
      comment: "Inside core, import the module itself, never index.ts or internal.ts.",
      severity: "error",
      from: { path: CORE, pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: "no-other-package-internals",
      comment:
        "Packages meet only through declared entry points (package.json `exports`: @pyrots/core, @pyrots/core/internal, ...): never another package's src/, dist/ or test build.",
      severity: "error",
      from: { path: "^(packages/[^/]+|nameserver|test|bench|examples/[^/]+)/" },
      to: {
        path: "^(packages/[^/]+|nameserver|test|bench|examples/[^/]+)/",
        pathNot: [
          "^$1/",
          ...[...readdirSync("packages").map((dir) => `packages/${dir}`), "nameserver", "examples/support"].flatMap((dir) => {
            try {
              return entryFiles(dir).map((f) => `^${f}$`);
            } catch {
              return [];
            }
          }),
        ],
      },
    },
    {
      name: "no-orphans-in-core",
      comment: "A module of core that nothing imports is dead (or was meant to be exported).",
      severity: "error",
      from: { orphan: true, path: CORE, pathNot: ENTRY },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "(^|/)(node_modules|dist)/" },
    exclude: { path: "(^|/)(node_modules|dist-test)/|\\.d\\.ts$" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "default", "node"],
      extensions: [".ts", ".js", ".d.ts"],
      mainFields: ["module", "main"],
    },
    tsConfig: { fileName: "tsconfig.base.json" },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
