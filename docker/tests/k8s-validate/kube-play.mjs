// The input of `podman kube play` for one Deployment of a kustomize output: the Deployment
// and the ConfigMaps its containers read, as they are, except that each Secret reference
// becomes a literal test value (podman 4.3 resolves secretKeyRef only from its own secret
// store, in a form it does not document; the pod spec is what the smoke run is about).
//   node kube-play.mjs KUSTOMIZE_OUTPUT DEPLOYMENT SECRET_VALUE > play.yaml
import { stringify } from "yaml";
import { loadYaml } from "./load.mjs";

const [path, name, secretValue] = process.argv.slice(2);
if (!path || !name || !secretValue) {
  console.error("usage: kube-play.mjs KUSTOMIZE_OUTPUT DEPLOYMENT SECRET_VALUE");
  process.exit(2);
}
const objects = loadYaml(path);
const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);
if (!deployment) {
  console.error(`kube-play: no Deployment/${name} in ${path}`);
  process.exit(1);
}
const pod = deployment.spec.template.spec;
const maps = new Set();
for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
  for (const from of c.envFrom ?? []) if (from.configMapRef) maps.add(from.configMapRef.name);
  for (const e of c.env ?? []) {
    if (e.valueFrom?.configMapKeyRef) maps.add(e.valueFrom.configMapKeyRef.name);
    if (e.valueFrom?.secretKeyRef) {
      delete e.valueFrom;
      e.value = secretValue;
    }
  }
}
const out = objects.filter((o) => o.kind === "ConfigMap" && maps.has(o.metadata.name));
out.push(deployment);
process.stdout.write(out.map((o) => stringify(o)).join("---\n"));
