#!/usr/bin/env python3
"""Runs devmem-scan --format sarif over PATH, validates the log against the SARIF 2.1.0 schema
and checks the properties the analyzer promises on every result (the schema alone accepts an
empty log) and what GitHub code scanning and GitLab read: rule help and security severity,
SRCROOT-relative URIs, line-independent fingerprints, traces as related locations and code
flows, and the invocation's execution status. Then the same with every finding accepted in a
baseline and written with --report-suppressed: the results marked suppressed.

usage: check_sarif.py SCHEMA MIN_RESULTS DEVMEM_SCAN PATH...
"""
import json
import subprocess
import sys
import tempfile

import jsonschema

CATEGORIES = {"device-open", "physical-map", "physical-read", "port-io", "anchor-scan",
              "firmware-address-lookup"}


FINGERPRINT = "devmemScan/v1"


def rule_problems(index, rule):
    where = f"tool.driver.rules[{index}] ({rule.get('id')})"
    for key in ("name", "shortDescription", "fullDescription", "helpUri"):
        if not rule.get(key):
            yield f"{where}: no {key}"
    if not rule.get("help", {}).get("markdown", "").startswith(f"# {rule.get('id')}"):
        yield f"{where}: help.markdown is not the rule's page"
    properties = rule.get("properties", {})
    if not isinstance(properties.get("security-severity"), str):
        yield f"{where}: properties.security-severity is not a string"
    if "security" not in properties.get("tags", []):
        yield f"{where}: properties.tags lacks 'security'"


def driver_problems(run):
    driver = run["tool"]["driver"]
    if not driver.get("informationUri", "").startswith("https://"):
        yield "tool.driver.informationUri is not an https URI"
    for index, rule in enumerate(driver.get("rules", [])):
        yield from rule_problems(index, rule)
    root = run.get("originalUriBaseIds", {}).get("SRCROOT", {}).get("uri", "")
    if not (root.startswith("file:///") and root.endswith("/")):
        yield f"originalUriBaseIds.SRCROOT {root!r} is not a file:// directory URI"
    invocations = run.get("invocations") or [{}]
    if not isinstance(invocations[0].get("executionSuccessful"), bool):
        yield "invocations[0].executionSuccessful is missing"


def result_problems(index, result, rule_ids):
    where = f"results[{index}]"
    if result.get("ruleId") not in rule_ids:
        yield f"{where}: ruleId {result.get('ruleId')!r} is not in tool.driver.rules"
    if not result.get("partialFingerprints", {}).get(FINGERPRINT):
        yield f"{where}: no partialFingerprints[{FINGERPRINT!r}]"
    locations = result.get("locations") or []
    if not locations or "physicalLocation" not in locations[0]:
        yield f"{where}: no physical location"
        return
    artifact = locations[0]["physicalLocation"].get("artifactLocation", {})
    if artifact.get("uriBaseId") != "SRCROOT" or artifact.get("uri", "/").startswith("/"):
        yield f"{where}: the URI {artifact.get('uri')!r} is not relative to SRCROOT"
    for related in result.get("relatedLocations", []):
        if not related.get("message", {}).get("text") or "id" not in related:
            yield f"{where}: a related location has no id or message"
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
        problems.extend(driver_problems(run))
        results = run.get("results", [])
        if len(results) < min_results:
            problems.append(f"{len(results)} results, expected at least {min_results}")
        for index, result in enumerate(results):
            problems.extend(result_problems(index, result, rule_ids))
        # The corpus has wrappers, so some traces cross functions and must show as code flows.
        if not any(result.get("codeFlows") for result in results):
            problems.append("no result has a codeFlow, though the corpus has wrapper traces")
        fingerprints = [r.get("partialFingerprints", {}).get(FINGERPRINT) for r in results]
        if len(set(fingerprints)) != len(fingerprints):
            problems.append("two results share a fingerprint")
    for problem in problems[:20]:
        print(f"{sarif_path}: {problem}")
    if errors or problems:
        return 1
    print(f"{sarif_path}: valid SARIF 2.1.0 against {schema_path}, "
          f"{len(log['runs'][0].get('results', []))} results")
    return 0


def scan_to_sarif(devmem_scan, paths, sarif_path, options=(), status=1):
    """devmem-scan exits 1 when it reports warnings, which a corpus of consumers must give, and 0
    when a baseline accepts them all. The first path is the scan root, so that every URI is
    relative to SRCROOT."""
    run = subprocess.run([devmem_scan, "--format", "sarif", "-o", sarif_path, "--root", paths[0],
                          *options, *paths],
                         capture_output=True, text=True, check=False)
    if run.returncode != status:
        sys.exit(f"devmem-scan exited {run.returncode}, expected {status}: {run.stderr}")


def unsuppressed(sarif_path):
    """The results of a log that lack an accepted external suppression, as the baseline gives."""
    with open(sarif_path, encoding="utf-8") as f:
        results = json.load(f)["runs"][0].get("results", [])
    return [index for index, result in enumerate(results)
            if [(s.get("kind"), s.get("status")) for s in result.get("suppressions", [])]
            != [("external", "accepted")]]


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    schema_arg, min_results_arg, scanner, *scan_paths = sys.argv[1:]
    with tempfile.TemporaryDirectory() as scratch:
        sarif = f"{scratch}/scan.sarif"
        scan_to_sarif(scanner, scan_paths, sarif)
        status = main(schema_arg, sarif, int(min_results_arg))
        # The same findings accepted in a baseline, written with --report-suppressed: every
        # result is still there, valid, and marked suppressed.
        baseline = f"{scratch}/baseline.json"
        subprocess.run([scanner, "--write-baseline", baseline, "--root", scan_paths[0],
                        *scan_paths], capture_output=True, check=True)
        suppressed = f"{scratch}/suppressed.sarif"
        scan_to_sarif(scanner, scan_paths, suppressed,
                      ("--baseline", baseline, "--report-suppressed"), status=0)
        status = status or main(schema_arg, suppressed, int(min_results_arg))
        if missing := unsuppressed(suppressed):
            print(f"{suppressed}: results {missing[:10]} are not marked suppressed")
            status = 1
        sys.exit(status)
