// Environment variables: every STARTALES_* a manifest or compose file sets is one the binary
// reads, and every one the binary reads is documented. One line per problem; exit 1 on any.
// Usage: node env.mjs --binary-vars FILE --docs DOC... --files YAML...
//   FILE: the binary's variables, one a line (from `startales --help`, "(Env:...)").
//   YAML: rendered Kubernetes manifests and docker/docker-compose*.yml files.
import { readFileSync } from "node:fs";
import { loadYaml, objName } from "./load.mjs";

const args = process.argv.slice(2);
const list = (k) => { const i = args.indexOf(k); if (i < 0) return []; const out = []; for (let j = i + 1; j < args.length && !args[j].startsWith("--"); j++) out.push(args[j]); return out; };
const binaryFile = list("--binary-vars")[0];
if (!binaryFile) { console.error("usage: node env.mjs --binary-vars FILE --docs DOC... --files YAML..."); process.exit(2); }
const known = new Set(readFileSync(binaryFile, "utf8").split(/\s+/).filter(Boolean));
if (known.size === 0) { console.error(`env: ${binaryFile} lists no variables: the binary's --help gave none`); process.exit(1); }

// Every STARTALES_* name a file sets: Kubernetes env and ConfigMap keys, compose environment.
function setIn(file) {
  const found = [];
  const note = (name, where) => { if (/^STARTALES_/.test(name)) found.push([name, where]); };
  for (const o of loadYaml(file)) {
    if (o.kind === "ConfigMap") for (const k of Object.keys(o.data ?? {})) note(k, objName(o));
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) for (const e of c.env ?? []) note(e.name, `${objName(o)} container ${c.name}`);
    for (const [svc, s] of Object.entries(o.services ?? {})) {  // a compose file
      const env = s?.environment;
      if (Array.isArray(env)) for (const e of env) note(String(e).split("=")[0], `service ${svc}`);
      else if (env && typeof env === "object") for (const k of Object.keys(env)) note(k, `service ${svc}`);
    }
  }
  return found;
}

let problems = 0, checked = 0;
const files = list("--files");
for (const f of files) {
  for (const [name, where] of setIn(f)) {
    checked++;
    if (!known.has(name)) { problems++; console.error(`env: ${f}: ${where} sets ${name}, which the binary does not read (startales --help lists no such variable)`); }
  }
}
const docs = list("--docs");
const text = docs.map((d) => readFileSync(d, "utf8")).join("\n");
for (const name of known) {
  if (!new RegExp(`\\b${name}\\b`).test(text)) { problems++; console.error(`env: ${name} (read by the binary) is documented in none of ${docs.join(", ")}`); }
}
if (problems) process.exit(1);
console.log(`env: ${checked} STARTALES_* settings in ${files.length} files are all read by the binary; its ${known.size} variables are all documented (${docs.join(", ")})`);
