#!/usr/bin/env python3
"""Runs devmem-scan --format sarif over PATH, validates the log against the SARIF 2.1.0 schema
and checks the properties the analyzer promises on every result (the schema alone accepts an
empty log).

usage: check_sarif.py SCHEMA MIN_RESULTS DEVMEM_SCAN PATH...
"""
import json
import subprocess
import sys
import tempfile

import jsonschema

CATEGORIES = {"device-open", "physical-map", "physical-read", "port-io", "anchor-scan",
              "firmware-address-lookup"}


def result_problems(index, result, rule_ids):
    where = f"results[{index}]"
    if result.get("ruleId") not in rule_ids:
        yield f"{where}: ruleId {result.get('ruleId')!r} is not in tool.driver.rules"
    locations = result.get("locations") or []
    if not locations or "physicalLocation" not in locations[0]:
        yield f"{where}: no physical location"
        return
    logical = locations[0].get("logicalLocations") or []
    if not logical or not logical[0].get("name"):
        yield f"{where}: no enclosing function in logicalLocations[0].name"
    if result.get("properties", {}).get("category") not in CATEGORIES:
        yield f"{where}: properties.category is not one of {sorted(CATEGORIES)}"


def main(schema_path, sarif_path, min_results=1):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(sarif_path, encoding="utf-8") as f:
        log = json.load(f)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: e.path)
    for error in errors[:20]:
        print(f"{sarif_path}: schema: {'/'.join(map(str, error.path))}: {error.message}")
    problems = []
    if len(log.get("runs", [])) != 1:
        problems.append("expected exactly one run")
    else:
        run = log["runs"][0]
        rule_ids = {rule["id"] for rule in run["tool"]["driver"].get("rules", [])}
        results = run.get("results", [])
        if len(results) < min_results:
            problems.append(f"{len(results)} results, expected at least {min_results}")
        for index, result in enumerate(results):
            problems.extend(result_problems(index, result, rule_ids))
    for problem in problems[:20]:
        print(f"{sarif_path}: {problem}")
    if errors or problems:
        return 1
    print(f"{sarif_path}: valid SARIF 2.1.0 against {schema_path}, "
          f"{len(log['runs'][0].get('results', []))} results")
    return 0


def scan_to_sarif(devmem_scan, paths, sarif_path):
    """devmem-scan exits 1 when it reports findings, which a corpus of consumers must give."""
    run = subprocess.run([devmem_scan, "--format", "sarif", "-o", sarif_path, *paths],
                         capture_output=True, text=True, check=False)
    if run.returncode != 1:
        sys.exit(f"devmem-scan exited {run.returncode}, expected 1 (findings): {run.stderr}")


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    schema_arg, min_results_arg, scanner, *scan_paths = sys.argv[1:]
    with tempfile.TemporaryDirectory() as scratch:
        sarif = f"{scratch}/scan.sarif"
        scan_to_sarif(scanner, scan_paths, sarif)
        sys.exit(main(schema_arg, sarif, int(min_results_arg)))
