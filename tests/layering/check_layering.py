#!/usr/bin/env python3
"""Fails when a module under src/ includes a header of a module the graph does not allow.

The graph is the fenced block after the "layering-graph" marker in docs/architecture.md, one
line per module: `module: dep dep ...` (direct dependencies). Checked, every problem reported:
  - every module directory under src/ is in the graph and every graph module exists;
  - the graph has no cycle, and `game` depends on nothing (its own includes: the standard
    library only);
  - every `#include "<module>/..."` in src/<A>/ names A itself or a declared dependency of A;
  - every startales::<module> in a target_link_libraries of src/<A>/ is a declared dependency,
    and every included module is reachable through A's links (else it builds by accident);
  - every declared edge is used by an include or a link (the graph stays true).
Usage: check_layering.py [--self-test] [REPO_ROOT]   (default: this file's ../..). Exit 1 on
any problem. --self-test checks a copy of the tree with violations planted in it, so the check
itself cannot silently stop working.
"""
import os
import re
import shutil
import sys
import tempfile

MARKER = "layering-graph"
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
STD_HEADER = re.compile(r"^[a-z_]+$")  # <vector>, <cstdint>: no directory, no extension


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_graph(doc_path, problems):
    lines = read(doc_path).splitlines()
    start = next((i for i, l in enumerate(lines) if MARKER in l), None)
    if start is None:
        problems.append(f"{doc_path}: no '{MARKER}' marker before the module graph block")
        return {}
    fence = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("```")), None)
    if fence is None:
        problems.append(f"{doc_path}: no fenced block after the '{MARKER}' marker")
        return {}
    graph = {}
    for n in range(fence + 1, len(lines)):
        line = lines[n].split("#", 1)[0].strip()
        if lines[n].startswith("```"):
            break
        if not line:
            continue
        if ":" not in line:
            problems.append(f"{doc_path}:{n + 1}: expected 'module: deps...', got '{line}'")
            continue
        name, deps = line.split(":", 1)
        name = name.strip()
        if name in graph:
            problems.append(f"{doc_path}:{n + 1}: module '{name}' listed twice")
        graph[name] = set(deps.split())
    return graph


def find_modules(src):
    """src/<m>/ with sources is a module; a directory with only subdirectories (voice/) holds
    modules <m>/<sub>."""
    modules = {}
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if not os.path.isdir(path):
            continue
        files = os.listdir(path)
        if any(f.endswith((".h", ".cc")) for f in files):
            modules[name] = path
        else:
            for sub in sorted(files):
                if os.path.isdir(os.path.join(path, sub)):
                    modules[f"{name}/{sub}"] = os.path.join(path, sub)
    return modules


def module_of_include(include, modules):
    parts = include.split("/")
    for n in (2, 1):
        if len(parts) > n and "/".join(parts[:n]) in modules:
            return "/".join(parts[:n])
    return None


def source_files(path):
    for root, _, files in os.walk(path):
        for f in sorted(files):
            if f.endswith((".h", ".cc")):
                yield os.path.join(root, f)


def cmake_links(path, modules, target_module):
    """Modules linked by the targets defined in this module's CMakeLists.txt files."""
    linked = set()
    for root, _, files in os.walk(path):
        if "CMakeLists.txt" not in files:
            continue
        text = read(os.path.join(root, "CMakeLists.txt"))
        for call in re.finditer(r"target_link_libraries\s*\(([^)]*)\)", text):
            tokens = call.group(1).split()
            for token in tokens[1:]:
                m = re.fullmatch(r"startales(?:::|_)(\w+)", token)
                if m and m.group(1) in target_module:
                    linked.add(target_module[m.group(1)])
    return linked


def reachable(graph, start):
    seen, frontier = set(), [start]
    while frontier:
        for dep in graph.get(frontier.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                frontier.append(dep)
    return seen


def check(root):
    """Every problem of the tree at `root`, one line each (empty: the layering holds)."""
    src = os.path.join(root, "src")
    doc = os.path.join(root, "docs", "architecture.md")
    problems = []
    graph = parse_graph(doc, problems)
    modules = find_modules(src)
    rel = lambda p: os.path.relpath(p, root)

    for m in modules:
        if m not in graph:
            problems.append(f"module src/{m} is missing from the graph in docs/architecture.md")
    for m, deps in graph.items():
        if m not in modules:
            problems.append(f"docs/architecture.md lists '{m}', which is not a module under src/")
        for d in deps:
            if d not in graph:
                problems.append(f"docs/architecture.md: '{m}' depends on unknown module '{d}'")
            if d == m:
                problems.append(f"docs/architecture.md: '{m}' depends on itself")
    for m in graph:
        if m in reachable(graph, m):
            problems.append(f"docs/architecture.md: the graph has a cycle through '{m}'")
    if graph.get("game"):
        problems.append("docs/architecture.md: 'game' must depend on nothing but the standard "
                        f"library, the graph gives it {' '.join(sorted(graph['game']))}")

    # CMake target name (startales_<x> / startales::<x>) -> module, by where it is defined.
    target_module = {}
    for m, path in modules.items():
        for cm_root, _, files in os.walk(path):
            if "CMakeLists.txt" in files:
                text = read(os.path.join(cm_root, "CMakeLists.txt"))
                for t in re.findall(r"add_library\s*\(\s*startales_(\w+)", text):
                    target_module[t] = m
    links = {m: cmake_links(path, modules, target_module) - {m} for m, path in modules.items()}

    used = set()
    for m, path in modules.items():
        allowed = graph.get(m, set())
        link_closure = set()
        for d in links[m]:
            link_closure |= {d} | reachable(links, d)
        for f in source_files(path):
            for kind, include in INCLUDE.findall(read(f)):
                if m == "game" and kind == "<" and not STD_HEADER.match(include):
                    problems.append(f"{rel(f)}: #include <{include}>: game may include only the "
                                    "standard library")
                target = module_of_include(include, modules)
                if target is None or target == m:
                    continue
                used.add((m, target))
                if target not in allowed:
                    problems.append(f'{rel(f)}: #include "{include}": no edge {m} -> {target} in '
                                    "docs/architecture.md's module graph")
                elif target not in link_closure:
                    problems.append(f'{rel(f)}: #include "{include}": src/{m} does not link '
                                    f"startales::{target.split('/')[-1]} (directly or through "
                                    "its dependencies) in CMake")
        for d in sorted(links[m]):
            used.add((m, d))
            if d not in allowed:
                problems.append(f"src/{m}/CMakeLists.txt links {d}: no edge {m} -> {d} in "
                                "docs/architecture.md's module graph")
    for m, deps in graph.items():
        for d in sorted(deps):
            if m in modules and (m, d) not in used:
                problems.append(f"docs/architecture.md allows {m} -> {d} but no include or link "
                                "uses it: remove the edge")

    return problems, len(modules), sum(len(d) for d in graph.values())


# (file to plant in, line planted, a fragment of the problem it must raise)
PLANTED = [
    ("src/game/rules.h", '#include "common/result.h"', "no edge game -> common"),
    ("src/game/rules.h", "#include <boost/json.hpp>", "game may include only the standard"),
    ("src/store/database.h", '#include "campaign/runtime.h"', "no edge store -> campaign"),
    ("src/voice/tts/tts.h", '#include "voice/stt/stt.h"', "no edge voice/tts -> voice/stt"),
]


def self_test(root):
    failures = []
    with tempfile.TemporaryDirectory(prefix="layering-") as tmp:
        ignore = shutil.ignore_patterns("*.sql", "*.cmake")
        shutil.copytree(os.path.join(root, "src"), os.path.join(tmp, "src"), ignore=ignore)
        os.makedirs(os.path.join(tmp, "docs"))
        shutil.copy(os.path.join(root, "docs", "architecture.md"), os.path.join(tmp, "docs"))
        clean, _, _ = check(tmp)
        if clean:
            failures.append("the unmodified copy already has problems: " + clean[0])
        for path, line, expected in PLANTED:
            target = os.path.join(tmp, path)
            original = read(target)
            with open(target, "a", encoding="utf-8") as f:
                f.write("\n" + line + "\n")
            found, _, _ = check(tmp)
            if not any(expected in p and path in p for p in found):
                failures.append(f"planting {line} in {path} did not report '{expected}'")
            with open(target, "w", encoding="utf-8") as f:
                f.write(original)
    for f in failures:
        print("self-test: " + f)
    print(f"layering self-test: {len(PLANTED) - len(failures)}/{len(PLANTED)} planted "
          "violations reported" if not failures else "layering self-test FAILED")
    return 1 if failures else 0


def main():
    args = sys.argv[1:]
    selftest = "--self-test" in args
    args = [a for a in args if a != "--self-test"]
    root = os.path.abspath(args[0] if args else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    if selftest:
        return self_test(root)
    problems, modules, edges = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} problem(s)")
        return 1
    print(f"layering: {modules} modules, {edges} edges, all includes allowed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
