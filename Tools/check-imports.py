#!/usr/bin/env python3
"""Every `import` in a target names one of that target's *direct* dependencies (or a system module).

SwiftPM's --explicit-target-dependency-import-check lets a target import a module it reaches only
through another target; Docs/Architecture.md says dependencies point one way and are declared, so
this reads them from `swift package dump-package` and checks each source file. Exit 1 on a finding.
"""
import json
import os
import re
import subprocess
import sys

# Modules every target may import: the toolchain's and the C library's.
SYSTEM = {"Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin", "Musl", "Testing", "XCTest",
          "Synchronization", "_Concurrency", "Swift", "os", "CoreFoundation"}
# Products whose module name differs from the product's name.
PRODUCT_MODULES = {"ArgumentParser": {"ArgumentParser"}, "GRDB": {"GRDB"}, "Configuration": {"Configuration"}}

IMPORT = re.compile(r"^\s*(?:@[\w()]+\s+)*(?:public\s+|internal\s+|package\s+|private\s+|fileprivate\s+)?import\s+"
                    r"(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][\w]*)")


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, capture_output=True, text=True, check=True)
    package = json.loads(dump.stdout)
    failures = []
    for target in package["targets"]:
        if target["type"] in ("system", "binary", "plugin"):
            continue
        allowed = set(SYSTEM) | {target["name"].replace("-", "_")}
        for dependency in target["dependencies"]:
            kind, value = next(iter(dependency.items()))
            name = value[0]
            allowed.add(name.replace("-", "_"))
            allowed |= PRODUCT_MODULES.get(name, set())
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", target["name"])
        for directory, _, files in os.walk(os.path.join(root, folder)):
            for file in sorted(files):
                if not file.endswith(".swift"):
                    continue
                path = os.path.join(directory, file)
                with open(path, encoding="utf-8") as source:
                    for number, line in enumerate(source, 1):
                        match = IMPORT.match(line)
                        if match and match.group(1) not in allowed:
                            failures.append(f"{os.path.relpath(path, root)}:{number}: imports {match.group(1)}, "
                                            f"not a direct dependency of {target['name']}")
    for failure in failures:
        print(failure)
    if failures:
        print(f"check-imports: {len(failures)} import(s) of modules the target does not declare; "
              "add the dependency to Package.swift or drop the import")
        return 1
    print(f"check-imports: every import of {len(package['targets'])} targets names a direct dependency")
    return 0


if __name__ == "__main__":
    sys.exit(main())
