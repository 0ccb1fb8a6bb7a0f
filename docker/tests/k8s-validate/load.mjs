// Reads multi-document YAML (kubectl kustomize output, compose files) into plain objects.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

export function loadYaml(path) {
  const docs = parseAllDocuments(readFileSync(path, "utf8"), { merge: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

// "Deployment/api" — how every message names an object.
export const objName = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
