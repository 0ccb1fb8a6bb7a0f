// Validates every object of the given YAML files against the Kubernetes schemas of the
// npm package kubernetes-models (pinned in package-lock.json). One line per failure naming
// the file, the object (kind/name) and the schema error; exit 1 when any fails.
// Usage: node validate.mjs FILE...
// Note: Kubernetes' own schemas allow unknown fields, so a misspelt field name passes here;
// the consistency rules (rules.mjs) catch the misspellings that matter (probes, resources,
// securityContext...) by asking for the right fields.
import { createRequire } from "node:module";
import { loadYaml, objName } from "./load.mjs";

const require = createRequire(import.meta.url);

export function validateObject(o) {
  if (!o || typeof o !== "object" || !o.apiVersion || !o.kind) {
    return "not a Kubernetes object (no apiVersion/kind)";
  }
  // kubernetes-models/<group>/<version>/<Kind>, core group as v1/<Kind>.
  let Model;
  try {
    Model = require(`kubernetes-models/${o.apiVersion}/${o.kind}`)[o.kind];
  } catch {
    return `no schema for apiVersion ${o.apiVersion} kind ${o.kind} in kubernetes-models`;
  }
  try {
    new Model(o).validate();
    return null;
  } catch (e) {
    return String(e.message || e).split("\n").slice(0, 4).join("; ");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (!files.length) { console.error("usage: node validate.mjs FILE..."); process.exit(2); }
  let failed = 0, passed = 0;
  for (const f of files) {
    for (const o of loadYaml(f)) {
      const err = validateObject(o);
      if (err) { failed++; console.error(`schema: ${f}: ${objName(o)}: ${err}`); } else passed++;
    }
  }
  if (failed) process.exit(1);
  console.log(`schema: ${passed} objects valid (${files.length} files)`);
}
