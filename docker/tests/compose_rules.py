#!/usr/bin/env python3
"""The compose files' and Dockerfiles' rules (docker/tests/compose.sh runs this). Reads the
files as docker-compose resolved them (`docker-compose config` output, YAML, with
docker/.env.example's values) and the Dockerfiles as text. Prints one line per rule passed;
exits 1 with one line per broken rule. PyYAML comes with docker-compose (it is Python).

Usage: compose_rules.py REPO_ROOT DEV.yml PRODUCTION.yml VOICE.yml  (the resolved files)
"""
import os
import re
import sys

import yaml

root, dev_file, prod_file, voice_file = sys.argv[1:5]
problems = []
passed = []


def rule(name, broken):
    if broken:
        problems.extend(f"{name}: {b}" for b in broken)
    else:
        passed.append(name)


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


files = {"docker-compose.yml": load(dev_file), "docker-compose.production.yml": load(prod_file),
         "docker-compose.voice.yml": load(voice_file)}
prod = files["docker-compose.production.yml"]["services"]
version = re.search(r"project\(startales VERSION ([0-9.]+)",
                    open(os.path.join(root, "CMakeLists.txt")).read()).group(1)

# The service names other parts (k8s, monitoring, the live test) rely on.
contract = ["lb", "migrate", "api1", "api2", "api3", "stt1", "stt2", "tts1", "tts2", "postgres",
            "redis", "nats", "objects", "qdrant", "ollama", "prometheus", "grafana"]
rule("production has every contract service",
     [f"no service {s}" for s in contract if s not in prod])
rule("qdrant is in the qdrant profile", [] if prod.get("qdrant", {}).get("profiles") == ["qdrant"]
     else ["qdrant has no profiles: [qdrant]"])

# Images: upstream pinned to a version (never latest), ours at the project's version.
broken = []
for fname, doc in files.items():
    for name, svc in doc["services"].items():
        image = svc.get("image", "")
        repo, _, tag = image.rpartition(":")
        if not repo or not tag or tag == "latest" or "/" in tag:
            broken.append(f"{fname}: {name}: image '{image}' is not pinned to a tag")
        elif image.startswith("localhost/startales-") and tag != version:
            broken.append(f"{fname}: {name}: {image} is not version {version} (CMakeLists.txt)")
        elif not image.startswith("localhost/") and not re.search(r"\d", tag):
            broken.append(f"{fname}: {name}: upstream image '{image}' has no version in its tag")
rule("every image is pinned (upstream by version, ours at the project's)", broken)

# Ports: published on loopback only.
broken = []
for fname, doc in files.items():
    for name, svc in doc["services"].items():
        for p in svc.get("ports", []):
            ip = p.get("host_ip") if isinstance(p, dict) else str(p).split(":")[0]
            if ip != "127.0.0.1":
                broken.append(f"{fname}: {name}: port {p} is not bound to 127.0.0.1")
lb_ports = prod["lb"].get("ports", [])
if not any((p.get("published"), p.get("target")) in ((8080, 80), ("8080", 80), ("8080", "80"))
           if isinstance(p, dict) else str(p).split("/")[0] == "127.0.0.1:8080:80" for p in lb_ports):
    broken.append(f"lb does not publish 127.0.0.1:8080 -> 80 ({lb_ports})")
rule("published ports bind 127.0.0.1; lb is 127.0.0.1:8080 -> 80", broken)

# Start order: health conditions only, and migrations once before the api nodes.
broken = []
for fname, doc in files.items():
    for name, svc in doc["services"].items():
        deps = svc.get("depends_on", {})
        if isinstance(deps, list):
            broken.append(f"{fname}: {name}: depends_on without conditions")
            continue
        for dep, how in deps.items():
            cond = (how or {}).get("condition")
            if cond not in ("service_healthy", "service_completed_successfully"):
                broken.append(f"{fname}: {name} -> {dep}: condition {cond}")
            elif cond == "service_healthy" and "healthcheck" not in doc["services"].get(dep, {}):
                broken.append(f"{fname}: {name} waits for {dep} healthy, which has no healthcheck")
for api in ("api1", "api2", "api3"):
    cond = prod[api].get("depends_on", {}).get("migrate", {}).get("condition")
    if cond != "service_completed_successfully":
        broken.append(f"{api} does not wait for migrate to complete (condition {cond})")
if prod["migrate"].get("command") != ["migrate"] or prod["migrate"].get("restart") != "no":
    broken.append("migrate is not a one-shot `startales migrate` (restart: \"no\")")
rule("depends_on waits for health / completion; migrate runs once before api1..3", broken)

# Every long-running service has a health check; ours use `startales healthcheck` (no curl).
broken = []
one_shot = {"migrate", "objects-init"}
for fname, doc in files.items():
    for name, svc in doc["services"].items():
        hc = svc.get("healthcheck")
        if name in one_shot:
            continue
        if not hc or hc.get("disable"):
            broken.append(f"{fname}: {name} has no healthcheck")
            continue
        test = hc.get("test", [])
        if test[:1] == ["CMD"] and any(" " in word for word in test[1:]):
            broken.append(f"{fname}: {name}: a CMD health check word has a space (podman 4.3 "
                          f"splits them: use CMD-SHELL or a script): {test}")
        if svc.get("image", "").startswith("localhost/startales-"):
            if test[:3] != ["CMD", "/usr/bin/startales", "healthcheck"]:
                broken.append(f"{fname}: {name}: healthcheck {test} is not startales healthcheck")
rule("every service has a health check; startales ones run `startales healthcheck`", broken)

# Our containers: read-only root, a tmpfs /tmp, no capabilities, SIGTERM, a grace period.
broken = []
for fname, doc in files.items():
    for name, svc in doc["services"].items():
        if not svc.get("image", "").startswith("localhost/startales-"):
            continue
        if svc.get("read_only") is not True:
            broken.append(f"{fname}: {name} is not read_only")
        if not any(str(t).startswith("/tmp") for t in svc.get("tmpfs", [])):
            broken.append(f"{fname}: {name} has no tmpfs /tmp")
        if svc.get("cap_drop") != ["ALL"]:
            broken.append(f"{fname}: {name} keeps capabilities")
        if svc.get("stop_signal") != "SIGTERM" or not svc.get("stop_grace_period"):
            broken.append(f"{fname}: {name}: no stop_signal SIGTERM + stop_grace_period")
        if svc.get("user") in ("root", "0", 0):
            broken.append(f"{fname}: {name} runs as root")
rule("startales containers: read-only root, tmpfs /tmp, cap_drop ALL, SIGTERM + grace", broken)

# The api nodes have what a cluster node needs (docs/operations.md "Running a cluster").
broken = []
need = ["STARTALES_DB", "STARTALES_NATS", "STARTALES_REDIS", "STARTALES_OBJECTS",
        "STARTALES_S3_ENDPOINT", "STARTALES_S3_ACCESS_KEY_ID", "STARTALES_S3_SECRET_ACCESS_KEY",
        "STARTALES_OPERATOR_TOKEN", "STARTALES_METRICS_TOKEN", "STARTALES_SPEECH_TOKEN",
        "STARTALES_NODE", "STARTALES_TRUST_PROXY"]
nodes = set()
for api in ("api1", "api2", "api3"):
    env = prod[api].get("environment", {})
    broken += [f"{api}: no {v}" for v in need if not env.get(v)]
    if prod[api].get("command") != ["api"]:
        broken.append(f"{api}: command is {prod[api].get('command')}, not [api]")
    nodes.add(env.get("STARTALES_NODE"))
if nodes != {"api1", "api2", "api3"}:
    broken.append(f"the nodes are not named api1..3: {sorted(map(str, nodes))}")
rule("api1..3 are cluster nodes with every engine and token set, named api1..3", broken)

# Mounted files and directories exist in the repository (the seed's named paths that did not).
broken = []
for fname, doc in files.items():
    for name, svc in doc["services"].items():
        for v in svc.get("volumes", []):
            source = v.get("source") if isinstance(v, dict) else str(v).split(":")[0]
            kind = v.get("type") if isinstance(v, dict) else ("bind" if source.startswith("/") else "volume")
            if kind == "bind" and not os.path.exists(source):
                broken.append(f"{fname}: {name} mounts {source}, which does not exist")
rule("every mounted file exists", broken)

# Dockerfiles: pinned FROMs, and the role images' contract.
broken = []
dockerfiles = []
for base, _, names in os.walk(os.path.join(root, "docker")):
    dockerfiles += [os.path.join(base, n) for n in names if n == "Dockerfile"]
for path in sorted(dockerfiles):
    rel = os.path.relpath(path, root)
    text = open(path).read()
    stages = set()
    for m in re.finditer(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I):
        image, stage = m.group(1), m.group(2)
        if image not in stages:
            tag = image.rpartition(":")[2] if ":" in image else ""
            if not tag or tag == "latest":
                broken.append(f"{rel}: FROM {image} is not pinned to a tag")
            elif "${" in tag and tag != "${STARTALES_VERSION}":
                broken.append(f"{rel}: FROM {image}: a tag from an unknown ARG")
        if stage:
            stages.add(stage)
    for m in re.finditer(r"^ARG STARTALES_VERSION=(\S+)", text, re.M):
        if m.group(1) != version:
            broken.append(f"{rel}: ARG STARTALES_VERSION={m.group(1)}, CMakeLists.txt says {version}")
for role, health in (("api", "/api/health"), ("stt", "/health"), ("tts", "/health")):
    rel = f"docker/services/{role}/Dockerfile"
    text = open(os.path.join(root, rel)).read()
    user = re.findall(r"^USER\s+(\S+)", text, re.M)
    if not user or user[-1].split(":")[0] in ("root", "0"):
        broken.append(f"{rel}: the last USER is {user[-1] if user else 'missing'} (must be non-root)")
    if not re.search(r'^HEALTHCHECK .*\n?.*"/usr/bin/startales", "healthcheck".*127\.0\.0\.1:4000' +
                     re.escape(health) + '"', text, re.M):
        broken.append(f"{rel}: no HEALTHCHECK running startales healthcheck on :4000{health}")
    if not re.search(r"^STOPSIGNAL SIGTERM$", text, re.M):
        broken.append(f"{rel}: no STOPSIGNAL SIGTERM")
    for label in ("title", "description", "version", "revision", "created"):
        if f"org.opencontainers.image.{label}=" not in text:
            broken.append(f"{rel}: no label org.opencontainers.image.{label}")
    if f'CMD ["{role}"]' not in text:
        broken.append(f"{rel}: the default command is not `startales {role}`")
rule(f"{len(dockerfiles)} Dockerfiles: FROMs pinned; api/stt/tts non-root, HEALTHCHECK, "
     "STOPSIGNAL SIGTERM, OCI labels", broken)

for line in passed:
    print(f"compose: {line}")
for line in problems:
    print(f"compose: FAILED: {line}", file=sys.stderr)
sys.exit(1 if problems else 0)
