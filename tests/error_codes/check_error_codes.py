#!/usr/bin/env python3
"""Every error code the server can answer is declared once, in src/common/error_codes.cc.

Scans src/ for the places a code is born (makeError("x", ...), makeInternalError, Error{"x",
errorResponse(http::status::..., "x", the WebSocket gateways' error(id, "x", ...), the game's
reject:: codes, the outbound clients' cancelled codes, {"code", "x"}) and fails naming the file,
line and code when one is missing from the table; also when a declared code is used nowhere.

Usage: check_error_codes.py SOURCE_DIR [--list]
"""
import pathlib
import re
import sys

BORN = [
    re.compile(r'make(?:Internal)?Error\(\s*"([a-z][a-z0-9_]*)"'),
    re.compile(r'\bError\{\s*"([a-z][a-z0-9_]*)"'),
    re.compile(r'http::status::\w+,\s*"([a-z][a-z0-9_]*)"'),  # errorResponse, refuse
    re.compile(r'\berror\(\s*(?:id|nullptr|\w+)\s*,\s*"([a-z][a-z0-9_]*)"'),
    re.compile(r'\{\s*"code"\s*,\s*"([a-z][a-z0-9_]*)"\s*\}'),
    re.compile(r'constexpr const char\* k\w+ = "([a-z][a-z0-9_]*)";'),  # game::reject, ...
    re.compile(r'outbound::Service k\w+\{"\w+", "\w+", "([a-z][a-z0-9_]*)"\}'),
    re.compile(r'\bcode = "([a-z][a-z0-9_]*)"'),  # a store mapping its engine's errors
]
# The outbound client names its errors <service>_<kind>: every service × every kind it uses.
SERVICE = re.compile(r'outbound::Service k\w+\{"(\w+)", "\w+", "\w+"\}')
KIND = re.compile(r'\berror\("([a-z]+)", ')
OUTBOUND = pathlib.Path("src/outbound/http_client.cc")
DECLARED = re.compile(r'\{"([a-z][a-z0-9_]*)",\s*C::k\w+,')
TABLE = pathlib.Path("src/common/error_codes.cc")


def born(root):
    found = {}
    kinds = []  # (service prefix, where it is declared)
    for path in sorted((root / "src").rglob("*")):
        if path.suffix not in (".cc", ".h") or path.relative_to(root) == TABLE:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            line = line.split("//")[0]  # comments describe codes, they do not produce them
            place = f"{path.relative_to(root)}:{number}"
            for pattern in BORN:
                for code in pattern.findall(line):
                    found.setdefault(code, []).append(place)
            for service in SERVICE.findall(line):
                kinds.append((service, place))
    outbound = (root / OUTBOUND).read_text() if (root / OUTBOUND).exists() else ""
    for kind in sorted(set(KIND.findall(outbound))):
        for service, place in kinds:
            found.setdefault(f"{service}_{kind}", []).append(place)
    return found


def main():
    root = pathlib.Path(sys.argv[1])
    declared = set(DECLARED.findall((root / TABLE).read_text()))
    found = born(root)
    if "--list" in sys.argv:
        for code in sorted(found):
            print(code, found[code][0])
        return 0
    problems = []
    for code, places in sorted(found.items()):
        if code not in declared:
            problems.append(f"{places[0]}: error code \"{code}\" is not declared in {TABLE}")
    for code in sorted(declared - set(found)):
        problems.append(f"{TABLE}: \"{code}\" is declared but no code in src/ produces it")
    for p in problems:
        print(p)
    if not problems:
        print(f"error codes: {len(declared)} declared, every one used, none undeclared")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
