// Proves the checks can fail: breaks a correct rendered overlay one way at a time (a quota too
// small, a container without a probe, an image at :latest, ...) and expects rules.mjs and
// validate.mjs to refuse each, naming the right rule. One line per case; exit 1 if a broken
// manifest passes or the unbroken one does not.
// Usage: node negative.mjs RENDERED.yaml --secret-template FILE --adapter RENDERED.yaml --version V
import { loadYaml } from "./load.mjs";
import { check, adapterMetrics } from "./rules.mjs";
import { validateObject } from "./validate.mjs";

const args = process.argv.slice(2);
const opt = (k) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
const base = loadYaml(args[0]);
const ctx = () => ({ version: opt("--version"), secretTemplate: loadYaml(opt("--secret-template"))[0],
  adapterMetrics: adapterMetrics(loadYaml(opt("--adapter"))), handoffSeconds: 20 });

const get = (objs, kind, name) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`negative: the rendered overlay has no ${kind}/${name} to break`);
  return o;
};
const ctr = (objs, kind, name, i = 0) => get(objs, kind, name).spec.template.spec.containers[i];
const drop = (objs, kind, name) => objs.splice(objs.indexOf(get(objs, kind, name)), 1);
const np = (objs, name) => get(objs, "NetworkPolicy", name);

// [what is broken, rule that must refuse it, how]
const cases = [
  ["quota too small for the autoscalers' maxima", "quota", (o) => { get(o, "ResourceQuota", "startales").spec.hard["requests.cpu"] = "10"; }],
  ["quota without limits.memory", "quota", (o) => { delete get(o, "ResourceQuota", "startales").spec.hard["limits.memory"]; }],
  ["api autoscaler maximum raised past the quota", "quota", (o) => { get(o, "HorizontalPodAutoscaler", "api").spec.maxReplicas = 60; }],
  ["ollama models volumes grown past the storage quota", "quota", (o) => { get(o, "StatefulSet", "ollama").spec.volumeClaimTemplates[0].spec.resources.requests.storage = "500Gi"; }],
  ["stt container without a readinessProbe", "probes", (o) => { delete ctr(o, "Deployment", "stt").readinessProbe; }],
  ["postgres container without a startupProbe", "probes", (o) => { delete ctr(o, "StatefulSet", "postgres").startupProbe; }],
  ["api liveness on / instead of /api/health", "probes", (o) => { ctr(o, "Deployment", "api").livenessProbe.httpGet.path = "/"; }],
  ["postgres image at :latest", "images", (o) => { ctr(o, "StatefulSet", "postgres").image = "docker.io/library/postgres:latest"; }],
  ["redis image without a tag", "images", (o) => { ctr(o, "StatefulSet", "redis").image = "docker.io/library/redis"; }],
  ["nats image tagged without a version", "images", (o) => { ctr(o, "StatefulSet", "nats").image = "docker.io/library/nats:alpine"; }],
  ["api image not at the project's version", "images", (o) => { ctr(o, "Deployment", "api").image = "localhost/startales-api:9.9.9"; }],
  ["redis init container without a securityContext", "securityContext", (o) => { delete get(o, "StatefulSet", "redis").spec.template.spec.initContainers[0].securityContext; }],
  ["api with a writable root file system", "securityContext", (o) => { ctr(o, "Deployment", "api").securityContext.readOnlyRootFilesystem = false; }],
  ["migrate Job keeping its capabilities", "securityContext", (o) => { delete ctr(o, "Job", "migrate").securityContext.capabilities; }],
  ["tts allowed to escalate privileges", "securityContext", (o) => { ctr(o, "Deployment", "tts").securityContext.allowPrivilegeEscalation = true; }],
  ["ollama running as root", "securityContext", (o) => { ctr(o, "StatefulSet", "ollama").securityContext.runAsUser = 0; }],
  ["minio without seccomp anywhere", "securityContext", (o) => { delete ctr(o, "StatefulSet", "minio").securityContext.seccompProfile; delete get(o, "StatefulSet", "minio").spec.template.spec.securityContext.seccompProfile; }],
  ["api without /tmp on an emptyDir", "securityContext", (o) => { const c = ctr(o, "Deployment", "api"); c.volumeMounts = c.volumeMounts.filter((m) => m.mountPath !== "/tmp"); }],
  ["stt without a memory limit", "resources", (o) => { delete ctr(o, "Deployment", "stt").resources.limits.memory; }],
  ["postgres limit above the LimitRange", "resources", (o) => { ctr(o, "StatefulSet", "postgres").resources.limits.memory = "64Gi"; }],
  ["api requesting more than its limit", "resources", (o) => { ctr(o, "Deployment", "api").resources.requests.cpu = "8"; }],
  ["nats without a PodDisruptionBudget", "pdb", (o) => { drop(o, "PodDisruptionBudget", "nats"); }],
  ["api budget that blocks every eviction", "pdb", (o) => { const p = get(o, "PodDisruptionBudget", "api"); delete p.spec.maxUnavailable; p.spec.minAvailable = 3; }],
  ["ServiceAccount that mounts its token", "serviceaccount", (o) => { get(o, "ServiceAccount", "startales-api").automountServiceAccountToken = true; }],
  ["Job on the default ServiceAccount", "serviceaccount", (o) => { delete get(o, "Job", "model-init").spec.template.spec.serviceAccountName; }],
  ["ingress rewriting every path to /", "ingress", (o) => { get(o, "Ingress", "startales").metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"] = "/"; }],
  ["ingress without TLS", "ingress", (o) => { delete get(o, "Ingress", "startales").spec.tls; }],
  ["ingress with the default 60 s read timeout", "ingress", (o) => { delete get(o, "Ingress", "startales").metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]; }],
  ["ingress without a rate limit", "ingress", (o) => { const a = get(o, "Ingress", "startales").metadata.annotations; delete a["nginx.ingress.kubernetes.io/limit-rps"]; delete a["nginx.ingress.kubernetes.io/limit-connections"]; }],
  ["no default-deny NetworkPolicy", "networkpolicy", (o) => { drop(o, "NetworkPolicy", "default-deny"); }],
  ["no DNS egress", "networkpolicy", (o) => { drop(o, "NetworkPolicy", "dns"); }],
  ["api egress to postgres without postgres's ingress", "networkpolicy", (o) => { np(o, "postgres").spec.ingress = np(o, "postgres").spec.ingress.filter((r) => r.from[0].podSelector.matchLabels["app.kubernetes.io/component"] !== "api"); }],
  ["a workload no NetworkPolicy selects", "networkpolicy", (o) => { drop(o, "NetworkPolicy", "stt"); }],
  ["a Secret key the template lacks", "references", (o) => { ctr(o, "Deployment", "api").env.find((e) => e.name === "STARTALES_DB").valueFrom.secretKeyRef.key = "database-url"; }],
  ["a ConfigMap that does not exist", "references", (o) => { ctr(o, "Deployment", "tts").envFrom[1].configMapRef.name = "startales-speech"; }],
  ["a Service whose port names no container port", "references", (o) => { get(o, "Service", "api").spec.ports[0].targetPort = "web"; }],
  ["api autoscaler on a metric no adapter rule serves", "hpa", (o) => { get(o, "HorizontalPodAutoscaler", "api").spec.metrics[1].pods.metric.name = "players_connected"; }],
  ["api autoscaler on CPU only", "hpa", (o) => { const h = get(o, "HorizontalPodAutoscaler", "api"); h.spec.metrics = h.spec.metrics.filter((m) => m.type !== "Pods"); }],
  ["api grace period shorter than the drain", "drain", (o) => { get(o, "Deployment", "api").spec.template.spec.terminationGracePeriodSeconds = 30; }],
  ["api preStop that is not a sleep", "drain", (o) => { delete ctr(o, "Deployment", "api").lifecycle; }],
  ["postgres max_connections below the api pools", "postgres", (o) => { ctr(o, "StatefulSet", "postgres").args = ["-c", "max_connections=50"]; }],
  ["model-init visiting fewer Ollama replicas than there are", "models", (o) => { get(o, "StatefulSet", "ollama").spec.replicas = 3; }],
  ["model-init not pulling STARTALES_LLM_MODEL", "models", (o) => { ctr(o, "Job", "model-init").env.find((e) => e.name === "MODELS").value = "mistral:7b"; }],
  ["an object without its deploy phase", "phase", (o) => { delete get(o, "Service", "redis").metadata.labels["startales.io/phase"]; }],
  ["an object outside the overlay's namespace", "namespace", (o) => { get(o, "ConfigMap", get(o, "Deployment", "api").spec.template.spec.containers[0].envFrom[0].configMapRef.name).metadata.namespace = "default"; }],
];

let failures = 0;
const clean = check(structuredClone(base), ctx());
if (clean.length) { failures++; console.error(`negative: the unbroken manifest is refused: ${clean.map((p) => `${p.rule}: ${p.message}`).join("; ")}`); }
for (const [what, rule, breakIt] of cases) {
  const objs = structuredClone(base);
  breakIt(objs);
  const hit = check(objs, ctx()).filter((p) => p.rule === rule);
  if (hit.length) console.log(`negative: refused ${what} (${rule}: ${hit[0].message})`);
  else { failures++; console.error(`negative: NOT refused: ${what} (expected rule ${rule})`); }
}
// The schema check refuses a wrong type, a missing required field and an unknown kind.
const dep = structuredClone(base.find((x) => x.kind === "Deployment"));
const schemaCases = [
  ["Deployment with replicas as a string", () => { dep.spec.replicas = "three"; return dep; }],
  ["Deployment container without a name", () => { const d = structuredClone(base.find((x) => x.kind === "Deployment")); delete d.spec.template.spec.containers[0].name; return d; }],
  ["an object of an unknown kind", () => ({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x" } })],
];
for (const [what, make] of schemaCases) {
  const err = validateObject(make());
  if (err) console.log(`negative: schema refused ${what} (${err})`);
  else { failures++; console.error(`negative: schema did NOT refuse ${what}`); }
}
if (failures) process.exit(1);
console.log(`negative: all ${cases.length + schemaCases.length} broken manifests refused`);
