// The project's consistency rules for one rendered overlay (`kubectl kustomize` output): what
// the Kubernetes schemas cannot say. check() returns every problem as {rule, message}; the
// command line prints them, or one line per rule passed, and exits 1 on any problem.
// Usage: node rules.mjs RENDERED.yaml --secret-template FILE --adapter RENDERED.yaml --version V
import { loadYaml, objName } from "./load.mjs";

// ---- quantities ---------------------------------------------------------------------------
const SUFFIX = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
export function quantity(q) {
  if (typeof q === "number") return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q ?? ""));
  if (!m || (m[2] && !(m[2] in SUFFIX))) return NaN;
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]] : 1);
}
const fmt = (name, v) => (name.includes("cpu") ? `${+v.toFixed(3)} cores`
  : name.includes("memory") || name.includes("storage") ? `${+(v / 2 ** 30).toFixed(2)} Gi` : `${v}`);

// ---- object helpers -----------------------------------------------------------------------
const WORKLOADS = ["Deployment", "StatefulSet", "Job"];
const podSpec = (w) => w.spec?.template?.spec ?? {};
const containersOf = (w) => [
  ...(podSpec(w).initContainers ?? []).map((c) => ({ c, init: true })),
  ...(podSpec(w).containers ?? []).map((c) => ({ c, init: false })),
];
const envOf = (c) => Object.fromEntries((c.env ?? []).filter((e) => "value" in e).map((e) => [e.name, e.value]));
const matches = (selector, labels) => selector && Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

// Requests or limits of one pod: the larger of its containers' sum and its largest init
// container (how the scheduler and the quota count them).
function podResources(w, kind, res) {
  let sum = 0, initMax = 0;
  for (const { c, init } of containersOf(w)) {
    const v = quantity(c.resources?.[kind]?.[res] ?? 0);
    if (init) initMax = Math.max(initMax, v); else sum += v;
  }
  return Math.max(sum, initMax);
}

// How many pods of a workload can exist at once: the autoscaler's maximum (or the replicas),
// plus the rollout's surge for a Deployment.
function maxPods(w, hpas) {
  if (w.kind === "Job") return w.spec?.parallelism ?? 1;
  const hpa = hpas.find((h) => h.spec.scaleTargetRef?.kind === w.kind && h.spec.scaleTargetRef?.name === w.metadata.name);
  const n = hpa ? hpa.spec.maxReplicas : (w.spec.replicas ?? 1);
  if (w.kind !== "Deployment" || w.spec.strategy?.type === "Recreate") return n;
  const surge = w.spec.strategy?.rollingUpdate?.maxSurge ?? "25%";
  return n + (String(surge).endsWith("%") ? Math.ceil((n * parseFloat(surge)) / 100) : Number(surge));
}

// ---- the rules ----------------------------------------------------------------------------
export function check(objects, ctx) {
  const problems = [];
  const fail = (rule, message) => problems.push({ rule, message });
  const byKind = (k) => objects.filter((o) => o.kind === k);
  const find = (k, name) => objects.find((o) => o.kind === k && o.metadata?.name === name);
  const workloads = objects.filter((o) => WORKLOADS.includes(o.kind));
  const hpas = byKind("HorizontalPodAutoscaler");

  // Every object in the overlay's one Namespace, with a phase deploy.sh applies.
  const namespaces = byKind("Namespace");
  if (namespaces.length !== 1) fail("namespace", `expected one Namespace, found ${namespaces.length}`);
  const ns = namespaces[0]?.metadata?.name;
  for (const o of objects) {
    if (o.kind !== "Namespace" && o.metadata?.namespace !== ns) fail("namespace", `${objName(o)} is in namespace ${o.metadata?.namespace ?? "(none)"}, not ${ns}`);
    const phase = o.metadata?.labels?.["startales.io/phase"];
    if (!["config", "data", "init", "app"].includes(phase)) fail("phase", `${objName(o)} has no startales.io/phase label config|data|init|app (deploy.sh would never apply it)`);
  }

  // Quota ≥ what every workload may use at once.
  const quotas = byKind("ResourceQuota");
  if (quotas.length !== 1) fail("quota", `expected one ResourceQuota, found ${quotas.length}`);
  const hard = quotas[0]?.spec?.hard ?? {};
  const need = { pods: 0, "requests.cpu": 0, "requests.memory": 0, "limits.cpu": 0, "limits.memory": 0, "requests.storage": 0, persistentvolumeclaims: 0 };
  const parts = [];
  for (const w of workloads) {
    const n = maxPods(w, hpas);
    need.pods += n;
    for (const kind of ["requests", "limits"]) for (const res of ["cpu", "memory"]) need[`${kind}.${res}`] += n * podResources(w, kind, res);
    if (w.kind === "StatefulSet") {
      for (const t of w.spec.volumeClaimTemplates ?? []) {
        need["requests.storage"] += n * quantity(t.spec?.resources?.requests?.storage ?? 0);
        need.persistentvolumeclaims += n;
      }
    }
    parts.push(`${objName(w)}×${n}`);
  }
  for (const pvc of byKind("PersistentVolumeClaim")) {
    need["requests.storage"] += quantity(pvc.spec?.resources?.requests?.storage ?? 0);
    need.persistentvolumeclaims += 1;
  }
  ctx.sums = need;
  for (const [res, v] of Object.entries(need)) {
    if (!(res in hard)) { fail("quota", `ResourceQuota has no ${res} (needs ${fmt(res, v)})`); continue; }
    if (quantity(hard[res]) < v - 1e-9) fail("quota", `ResourceQuota ${res} = ${hard[res]} is less than the ${fmt(res, v)} of ${parts.join(" + ")} at their maxima`);
  }

  // Every container: requests and limits (within the LimitRange), the full securityContext,
  // /tmp on an emptyDir; every long-running one: the three probes.
  const lr = byKind("LimitRange")[0]?.spec?.limits?.find((l) => l.type === "Container") ?? {};
  for (const w of workloads) {
    const ps = podSpec(w);
    const volumes = Object.fromEntries((ps.volumes ?? []).map((v) => [v.name, v]));
    for (const { c, init } of containersOf(w)) {
      const where = `${objName(w)} container ${c.name}`;
      for (const kind of ["requests", "limits"]) for (const res of ["cpu", "memory"]) {
        const v = c.resources?.[kind]?.[res];
        if (v === undefined) { fail("resources", `${where} has no resources.${kind}.${res}`); continue; }
        if (lr.max?.[res] && quantity(v) > quantity(lr.max[res])) fail("resources", `${where}: ${kind}.${res} ${v} is above the LimitRange's max ${lr.max[res]}`);
        if (lr.min?.[res] && quantity(v) < quantity(lr.min[res])) fail("resources", `${where}: ${kind}.${res} ${v} is below the LimitRange's min ${lr.min[res]}`);
      }
      for (const res of ["cpu", "memory"]) {
        const r = c.resources?.requests?.[res], l = c.resources?.limits?.[res];
        if (r !== undefined && l !== undefined && quantity(r) > quantity(l)) fail("resources", `${where}: requests.${res} ${r} is above limits.${res} ${l}`);
      }
      const sc = c.securityContext ?? {}, psc = ps.securityContext ?? {};
      const eff = (k) => (sc[k] !== undefined ? sc[k] : psc[k]);
      if (eff("runAsNonRoot") !== true) fail("securityContext", `${where}: runAsNonRoot is not true`);
      if (!Number.isInteger(eff("runAsUser")) || eff("runAsUser") === 0) fail("securityContext", `${where}: runAsUser is not a non-zero uid`);
      if (sc.readOnlyRootFilesystem !== true) fail("securityContext", `${where}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) fail("securityContext", `${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged === true) fail("securityContext", `${where}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail("securityContext", `${where}: capabilities.drop does not hold ALL`);
      if ((sc.capabilities?.add ?? []).length) fail("securityContext", `${where}: capabilities.add ${sc.capabilities.add.join(",")}`);
      if (eff("seccompProfile")?.type !== "RuntimeDefault") fail("securityContext", `${where}: seccompProfile is not RuntimeDefault`);
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
      if (!tmp || !volumes[tmp.name]?.emptyDir) fail("securityContext", `${where}: no emptyDir mounted at /tmp (the root file system is read-only)`);
      if (!init && w.kind !== "Job") {
        for (const p of ["startupProbe", "livenessProbe", "readinessProbe"]) if (!c[p]) fail("probes", `${where} has no ${p}`);
      }
      // The binary's own health routes (docs/operations.md, "Health").
      const m = /^localhost\/startales-(api|stt|tts):/.exec(c.image ?? "");
      if (m && !init && w.kind !== "Job") {
        const [live, ready] = m[1] === "api" ? ["/api/health", "/api/ready"] : ["/health", "/ready"];
        const path = (p) => c[p]?.httpGet?.path;
        if (path("livenessProbe") !== live) fail("probes", `${where}: livenessProbe is not GET ${live}`);
        if (path("startupProbe") !== live) fail("probes", `${where}: startupProbe is not GET ${live}`);
        if (path("readinessProbe") !== ready) fail("probes", `${where}: readinessProbe is not GET ${ready}`);
      }
      // Images: a version tag, never latest; ours at the project's version.
      const img = c.image ?? "";
      const tag = /:([^/:@]+)$/.exec(img.split("@")[0])?.[1];
      if (!tag && !img.includes("@sha256:")) fail("images", `${where}: image ${img || "(none)"} has no tag`);
      else if (tag === "latest") fail("images", `${where}: image ${img} is :latest`);
      else if (tag && !/[0-9]/.test(tag)) fail("images", `${where}: image ${img} has no version in its tag`);
      if (img.startsWith("localhost/startales-") && tag !== ctx.version) fail("images", `${where}: image ${img} is not at the project's version ${ctx.version} (CMakeLists.txt)`);
      if (c.imagePullPolicy === "Always" && img.startsWith("localhost/")) fail("images", `${where}: a localhost image with imagePullPolicy Always cannot start`);
    }
  }

  // Budgets and accounts.
  const pdbs = byKind("PodDisruptionBudget");
  for (const w of workloads) {
    const labels = w.spec?.template?.metadata?.labels ?? {};
    const ps = podSpec(w);
    const saName = ps.serviceAccountName;
    const sa = saName && find("ServiceAccount", saName);
    if (!saName || saName === "default") fail("serviceaccount", `${objName(w)} runs as the default ServiceAccount`);
    else if (!sa) fail("serviceaccount", `${objName(w)}: ServiceAccount ${saName} does not exist`);
    else if (sa.automountServiceAccountToken !== false) fail("serviceaccount", `${objName(w)}: ServiceAccount ${saName} does not set automountServiceAccountToken: false`);
    if (ps.automountServiceAccountToken === true) fail("serviceaccount", `${objName(w)} mounts an API token`);
    if (w.kind === "Job") continue;
    const pdb = pdbs.find((p) => matches(p.spec?.selector?.matchLabels, labels));
    if (!pdb) { fail("pdb", `${objName(w)} has no PodDisruptionBudget selecting its pods`); continue; }
    const mu = pdb.spec.maxUnavailable, ma = pdb.spec.minAvailable;
    const hpa = hpas.find((h) => h.spec.scaleTargetRef?.name === w.metadata.name && h.spec.scaleTargetRef?.kind === w.kind);
    const fewest = hpa ? (hpa.spec.minReplicas ?? 1) : (w.spec.replicas ?? 1);
    if ((mu !== undefined && (mu === 0 || mu === "0%")) || (typeof ma === "number" && ma >= fewest) || ma === "100%") {
      fail("pdb", `${objName(pdb)} allows no eviction at ${fewest} replica(s): a node drain would wait forever`);
    }
  }

  // Ingress: TLS for every host, the nginx class, WebSocket timeouts, rate limits, no rewrite.
  const ingresses = byKind("Ingress");
  if (!ingresses.length) fail("ingress", "no Ingress");
  for (const ing of ingresses) {
    const a = ing.metadata.annotations ?? {};
    const tlsHosts = (ing.spec.tls ?? []).flatMap((t) => (t.secretName ? t.hosts ?? [] : []));
    if (!tlsHosts.length) fail("ingress", `${objName(ing)} has no TLS`);
    for (const r of ing.spec.rules ?? []) if (!tlsHosts.includes(r.host)) fail("ingress", `${objName(ing)}: host ${r.host ?? "(any)"} is not covered by TLS`);
    if (ing.spec.ingressClassName !== "nginx") fail("ingress", `${objName(ing)}: ingressClassName is not nginx`);
    for (const k of Object.keys(a)) if (/rewrite-target|app-root|use-regex/.test(k)) fail("ingress", `${objName(ing)}: annotation ${k} rewrites paths (every path must reach the api unchanged)`);
    for (const t of ["proxy-read-timeout", "proxy-send-timeout"]) {
      const v = Number(a[`nginx.ingress.kubernetes.io/${t}`]);
      if (!(v >= 120)) fail("ingress", `${objName(ing)}: ${t} must be ≥ 120 s for /ws (the server pings every 30 s), is ${a[`nginx.ingress.kubernetes.io/${t}`] ?? "unset (60 s)"}`);
    }
    if (!a["nginx.ingress.kubernetes.io/limit-rps"] && !a["nginx.ingress.kubernetes.io/limit-connections"]) fail("ingress", `${objName(ing)} has no rate limit (limit-rps / limit-connections)`);
    for (const r of ing.spec.rules ?? []) for (const p of r.http?.paths ?? []) {
      const svc = find("Service", p.backend?.service?.name);
      if (!svc) fail("ingress", `${objName(ing)}: path ${p.path} goes to a Service ${p.backend?.service?.name} that does not exist`);
      else if (!(svc.spec.ports ?? []).some((sp) => sp.name === p.backend.service.port?.name || sp.port === p.backend.service.port?.number)) fail("ingress", `${objName(ing)}: Service ${svc.metadata.name} has no port ${JSON.stringify(p.backend.service.port)}`);
    }
  }

  // NetworkPolicies: default deny both ways, DNS, and every flow allowed at both ends.
  const nps = byKind("NetworkPolicy");
  const empty = (sel) => !sel || Object.keys(sel).length === 0 || (Object.keys(sel.matchLabels ?? {}).length === 0 && !(sel.matchExpressions ?? []).length);
  const deny = nps.find((p) => empty(p.spec.podSelector) && ["Ingress", "Egress"].every((t) => (p.spec.policyTypes ?? []).includes(t)) && !(p.spec.ingress ?? []).length && !(p.spec.egress ?? []).length);
  if (!deny) fail("networkpolicy", "no default-deny NetworkPolicy (empty podSelector, policyTypes Ingress and Egress, no rules)");
  const dns = nps.find((p) => empty(p.spec.podSelector) && (p.spec.egress ?? []).some((e) => (e.to ?? []).some((t) => t.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "kube-system") && (e.ports ?? []).some((pt) => pt.port === 53 && pt.protocol === "UDP")));
  if (!dns) fail("networkpolicy", "no NetworkPolicy lets every pod reach DNS (kube-system, UDP 53)");
  const comp = (sel) => sel?.matchLabels?.["app.kubernetes.io/component"];
  const flows = (dir) => nps.flatMap((p) => (p.spec[dir] ?? []).flatMap((r) => (r[dir === "egress" ? "to" : "from"] ?? [])
    .filter((peer) => peer.podSelector && !peer.namespaceSelector)
    .flatMap((peer) => (r.ports ?? []).map((pt) => dir === "egress"
      ? `${comp(p.spec.podSelector)}→${comp(peer.podSelector)}:${pt.port}`
      : `${comp(peer.podSelector)}→${comp(p.spec.podSelector)}:${pt.port}`))));
  const eg = new Set(flows("egress")), ig = new Set(flows("ingress"));
  for (const f of eg) if (!ig.has(f)) fail("networkpolicy", `flow ${f} is allowed out of the caller but not into the callee`);
  for (const f of ig) if (!eg.has(f)) fail("networkpolicy", `flow ${f} is allowed into the callee but not out of the caller`);
  const selected = new Set(nps.map((p) => comp(p.spec.podSelector)).filter(Boolean));
  for (const w of workloads) {
    const c = w.spec?.template?.metadata?.labels?.["app.kubernetes.io/component"];
    if (!selected.has(c)) fail("networkpolicy", `${objName(w)}: no NetworkPolicy selects component ${c ?? "(unlabelled)"} (default deny would cut it off)`);
  }

  // References: ConfigMaps and the Secret's keys exist; Services select pods and name ports.
  const secretKeys = new Set(Object.keys(ctx.secretTemplate?.stringData ?? {}).concat(Object.keys(ctx.secretTemplate?.data ?? {})));
  const secretName = ctx.secretTemplate?.metadata?.name;
  const needSecret = (where, name, key) => {
    if (name !== secretName) fail("references", `${where} uses Secret ${name}, which neither the manifests nor the template (${secretName}) define`);
    else if (key !== undefined && !secretKeys.has(key)) fail("references", `${where} uses key ${key} of Secret ${name}, which the template does not have`);
  };
  for (const w of workloads) {
    const ps = podSpec(w);
    for (const v of ps.volumes ?? []) {
      if (v.configMap && !find("ConfigMap", v.configMap.name)) fail("references", `${objName(w)} volume ${v.name}: ConfigMap ${v.configMap.name} does not exist`);
      if (v.secret) for (const it of v.secret.items ?? [{}]) needSecret(`${objName(w)} volume ${v.name}`, v.secret.secretName, it.key);
    }
    for (const { c } of containersOf(w)) {
      for (const ef of c.envFrom ?? []) if (ef.configMapRef && !find("ConfigMap", ef.configMapRef.name)) fail("references", `${objName(w)} container ${c.name}: ConfigMap ${ef.configMapRef.name} does not exist`);
      for (const e of c.env ?? []) {
        const r = e.valueFrom?.secretKeyRef;
        if (r) needSecret(`${objName(w)} container ${c.name} env ${e.name}`, r.name, r.key);
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !(cm.key in (find("ConfigMap", cm.name)?.data ?? {}))) fail("references", `${objName(w)} env ${e.name}: ConfigMap ${cm.name} has no key ${cm.key}`);
      }
      for (const m of c.volumeMounts ?? []) if (!(ps.volumes ?? []).some((v) => v.name === m.name) && !(w.spec.volumeClaimTemplates ?? []).some((t) => t.metadata.name === m.name)) fail("references", `${objName(w)} container ${c.name} mounts ${m.name}, which is no volume`);
    }
  }
  for (const svc of byKind("Service")) {
    const pods = workloads.filter((w) => matches(svc.spec.selector, w.spec?.template?.metadata?.labels));
    if (!pods.length) { fail("references", `${objName(svc)} selects no pods`); continue; }
    const names = new Set(pods.flatMap((w) => podSpec(w).containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))));
    for (const p of svc.spec.ports ?? []) if (typeof p.targetPort === "string" && !names.has(p.targetPort)) fail("references", `${objName(svc)}: targetPort ${p.targetPort} is no container port of its pods`);
  }
  for (const h of hpas) {
    if (!find(h.spec.scaleTargetRef?.kind, h.spec.scaleTargetRef?.name)) fail("hpa", `${objName(h)} scales ${h.spec.scaleTargetRef?.kind}/${h.spec.scaleTargetRef?.name}, which does not exist`);
    if (!(h.spec.metrics ?? []).some((m) => m.type === "Resource" && m.resource?.name === "cpu")) fail("hpa", `${objName(h)} does not scale on CPU`);
    for (const m of h.spec.metrics ?? []) if (m.type === "Pods" && !(ctx.adapterMetrics ?? []).includes(m.pods.metric.name)) fail("hpa", `${objName(h)} scales on pods metric ${m.pods.metric.name}, which no prometheus-adapter rule serves (${(ctx.adapterMetrics ?? []).join(", ") || "none"})`);
  }
  const apiHpa = hpas.find((h) => h.spec.scaleTargetRef?.name === "api");
  if (!apiHpa || !(apiHpa.spec.metrics ?? []).some((m) => m.type === "Pods")) fail("hpa", "the api autoscaler does not scale on players per pod (a Pods metric)");

  // The api drain fits the grace period: preStop sleep + shutdown timeout + the handoff.
  const api = find("Deployment", "api");
  if (api) {
    const ps = podSpec(api), c = ps.containers.find((x) => x.name === "api");
    const cm = Object.assign({}, ...(c.envFrom ?? []).map((ef) => find("ConfigMap", ef.configMapRef?.name)?.data ?? {}), envOf(c));
    const cmd = c.lifecycle?.preStop?.exec?.command ?? [];
    const sleep = cmd[0] === "sleep" ? Number(cmd[1]) : c.lifecycle?.preStop?.sleep?.seconds;
    if (!(sleep > 0)) fail("drain", "Deployment/api: preStop is not a sleep (the pod must leave the endpoints before SIGTERM starts the drain)");
    const shutdown = Number(cm.STARTALES_SHUTDOWN_TIMEOUT_MS ?? 10000) / 1000;
    const needGrace = (sleep || 0) + shutdown + ctx.handoffSeconds;
    const grace = ps.terminationGracePeriodSeconds ?? 30;
    if (grace < needGrace) fail("drain", `Deployment/api: terminationGracePeriodSeconds ${grace} < preStop ${sleep || 0} s + STARTALES_SHUTDOWN_TIMEOUT_MS ${shutdown} s + handoff ${ctx.handoffSeconds} s`);
    // PostgreSQL's connections hold every api pod's pool at the autoscaler's maximum.
    const pg = find("StatefulSet", "postgres");
    const args = pg ? podSpec(pg).containers[0].args ?? [] : [];
    const maxConn = Number((args.find((a) => /^max_connections=/.test(a)) ?? "max_connections=100").split("=")[1]);
    const pool = Number(cm.STARTALES_DB_POOL_SIZE ?? 8);
    const conns = maxPods(api, hpas) * pool + 10;  // + the migration Job and operators
    if (pg && maxConn < conns) fail("postgres", `max_connections ${maxConn} < ${maxPods(api, hpas)} api pods × STARTALES_DB_POOL_SIZE ${pool} + 10`);
    // Every model the api uses is pulled into every Ollama replica.
    const mi = find("Job", "model-init"), ol = find("StatefulSet", "ollama");
    if (mi && ol) {
      const env = envOf(podSpec(mi).containers[0]);
      if (Number(env.OLLAMA_REPLICAS) !== (ol.spec.replicas ?? 1)) fail("models", `Job/model-init visits ${env.OLLAMA_REPLICAS} Ollama replicas, the StatefulSet has ${ol.spec.replicas ?? 1}`);
      const models = String(env.MODELS ?? "").split(/\s+/);
      for (const k of ["STARTALES_LLM_MODEL", "STARTALES_LLM_EMBED_MODEL"]) if (cm[k] && !models.includes(cm[k])) fail("models", `Job/model-init does not pull ${k}=${cm[k]} (MODELS="${env.MODELS ?? ""}")`);
    } else if (String(cm.STARTALES_LLM ?? "").startsWith("ollama:")) fail("models", "STARTALES_LLM is an Ollama but there is no model-init Job or Ollama StatefulSet");
  }
  return problems;
}

export const RULES = ["namespace", "phase", "quota", "resources", "securityContext", "probes", "images", "serviceaccount", "pdb", "ingress", "networkpolicy", "references", "hpa", "drain", "postgres", "models"];

// The metric names a prometheus-adapter config serves (rules[].name.as, or the series name).
export function adapterMetrics(objects) {
  const out = [];
  for (const o of objects) for (const text of Object.values(o.data ?? {})) {
    for (const m of text.matchAll(/as:\s*"?([A-Za-z_:][A-Za-z0-9_:]*)"?/g)) out.push(m[1]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (k) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : undefined; };
  const file = args[0];
  if (!file || !opt("--secret-template") || !opt("--adapter") || !opt("--version")) {
    console.error("usage: node rules.mjs RENDERED.yaml --secret-template FILE --adapter RENDERED.yaml --version V");
    process.exit(2);
  }
  const ctx = { version: opt("--version"), secretTemplate: loadYaml(opt("--secret-template"))[0],
    adapterMetrics: adapterMetrics(loadYaml(opt("--adapter"))), handoffSeconds: 20 };
  const problems = check(loadYaml(file), ctx);
  for (const p of problems) console.error(`rules: ${file}: ${p.rule}: ${p.message}`);
  if (problems.length) process.exit(1);
  const s = ctx.sums;
  console.log(`rules: ${file}: ${RULES.length} rules hold (${RULES.join(", ")}); at the maxima: ${s.pods} pods, requests ${fmt("cpu", s["requests.cpu"])} / ${fmt("memory", s["requests.memory"])}, limits ${fmt("cpu", s["limits.cpu"])} / ${fmt("memory", s["limits.memory"])}, storage ${fmt("storage", s["requests.storage"])} in ${s.persistentvolumeclaims} claims`);
}
