"""Checks the OpenAPI document (JSON on stdin) against RESTDoor.routes and the operations' inputs.

For every route: documented, with its success status; operationId = the name of the route's Swift operation
type, which is also its Action.operationName unless the action is shared (QueryAuditLog, GetAuditCheckpoint and
VerifyAuditLog are all audit:ReadAuditLog) or named differently (ReEncrypt is kms:ReEncryptFrom); path parameters =
the path template's placeholders = the route's path fields; query parameters = the route's query fields;
path, query and body members together = the input's CodingKeys; body members never repeat path members;
bodies refuse unknown members. No documented route is missing from RESTDoor.routes except the unauthenticated
routes registered in Application.swift, which must be documented with `security: []`.
"""
import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
doc = json.load(sys.stdin)


def res(o):
    while isinstance(o, dict) and "$ref" in o:
        cur = doc
        for p in o["$ref"][2:].split("/"):
            cur = cur[p]
        o = cur
    return o


src = open(os.path.join(ROOT, "Sources/KeyService/HTTP/RESTDoor.swift")).read()
table = re.search(r"static let routes: \[RESTRoute\] = \[\n(.*?)\n    \]\n", src, re.S).group(1)
# A route ends at the `),` that is followed by the next route or the end of the table (routes span lines).
routes = re.findall(r'route\(\.(\w+), "([^"]+)", (\w+)\.self(.*?)\),\n(?=\s*(?:route\(|$))', table + "\n", re.S)
assert len(routes) == table.count("route(."), "could not parse every route"

# Dictionary literals bound to names (keyPath, paging, principalPath, ...).
named = {m.group(1): set(re.findall(r'"(\w+)":', m.group(2)))
         for m in re.finditer(r"static let (\w+)(?:: [^=]+)? = (\[[^\n]*\])\n", src)}


def fields_of(expression):
    """Keys of `[...]`, `name`, or `name.merging([...]) { ... }`."""
    expression = expression.strip()
    keys = set()
    m = re.match(r"(\w+)", expression)
    if m and m.group(1) in named:
        keys |= named[m.group(1)]
    for literal in re.findall(r"\[([^\[\]]*)\]", expression):
        keys |= set(re.findall(r'"(\w+)":', literal))
    return keys


def argument(rest, label):
    m = re.search(label + r": (.*?)(?=,\s*(?:path|query|status):|$)", rest.replace("\n", " "), re.S)
    return fields_of(m.group(1)) if m else set()


# Operations: CodingKeys and action per operation type.
ops_src = "".join(open(f).read() for f in sorted(glob.glob(os.path.join(ROOT, "Sources/KeyService/Operations/*.swift"))))
inputs, actions = {}, {}
for m in re.finditer(r"public enum (\w+): Operation \{(.*?)\n\}", ops_src, re.S):
    name, body = m.groups()
    ck = re.search(r"enum CodingKeys: String, CodingKey, CaseIterable \{(.*?)\}", body, re.S)
    alias = re.search(r"typealias Input = (\w+)(?:\.Input)?\b", body)
    if ck:
        inputs[name] = set(re.findall(r"\b(\w+)\b", ck.group(1).replace("case", "")))
    elif alias and alias.group(1) == "EmptyInput":
        inputs[name] = set()
    else:
        inputs[name] = alias.group(1)
    actions[name] = re.search(r"static let action = Action\.(\w+)", body).group(1)
for k, v in list(inputs.items()):
    if isinstance(v, str):
        inputs[k] = inputs[v]

action_src = open(os.path.join(ROOT, "Sources/KeyService/Core/Action.swift")).read()
raw_values = dict(re.findall(r'case (\w+) = "([^"]+)"', action_src))


def operation_name(op):
    name = raw_values[actions[op]].split(":", 1)[1]
    return "ReEncrypt" if name == "ReEncryptFrom" else name


route_actions = [actions[op] for _, _, op, _ in routes]


seen = set()
for method, path, op, rest in routes:
    label = f"{method.upper()} {path}"
    assert path in doc["paths"] and method in doc["paths"][path], f"{label} is not documented"
    o = doc["paths"][path][method]
    seen.add((path, method))
    status = "201" if "status: .created" in rest else "200"
    assert status in o["responses"], (label, status)
    assert o["operationId"] == op, (label, o["operationId"], op)
    if route_actions.count(actions[op]) == 1:
        assert op == operation_name(op), (label, "operation type and action name differ", op, operation_name(op))
    assert "security" not in o, (label, "must use the global security")
    for code in ["400", "403", "413", "415", "500", "503"]:
        assert code in o["responses"], (label, code)
    path_fields, query_fields = argument(rest, "path"), argument(rest, "query")
    placeholders = set(re.findall(r"\{(\w+)\}", path))
    documented_path, documented_query = set(), set()
    for p in o.get("parameters", []):
        p = res(p)
        if p["in"] == "path":
            assert p.get("required") is True, (label, p["name"])
            documented_path.add(p["name"])
        else:
            assert p["in"] == "query", (label, p["name"])
            documented_query.add(p["name"])
    assert documented_path == placeholders == path_fields, (label, documented_path, placeholders, path_fields)
    assert documented_query == query_fields, (label, documented_query, query_fields)
    fields = documented_path | documented_query
    if "requestBody" in o:
        schema = res(o["requestBody"]["content"]["application/json"]["schema"])
        assert schema.get("additionalProperties") is False, (label, "body must refuse unknown members")
        body = set(schema["properties"])
        assert set(schema.get("required", [])) <= body, label
        assert not body & path_fields, (label, "path members in the body", body & path_fields)
        fields |= body
    assert fields == inputs[op], (label, sorted(fields), sorted(inputs[op]))
app_src = open(os.path.join(ROOT, "Sources/KeyService/Server/Application.swift")).read()
unauthenticated = {(p, m) for m, p in re.findall(r'router\.(get|post|put|patch|delete)\("([^"]+)"\)', app_src)}
assert unauthenticated >= {("/v1/health", "get"), ("/v1/openapi.json", "get")}, unauthenticated
for p, m in sorted(unauthenticated):
    assert p in doc["paths"] and m in doc["paths"][p], f"{m.upper()} {p} is not documented"
    assert doc["paths"][p][m].get("security") == [], (p, m, "must be documented with security: []")
extra = {(p, m) for p, v in doc["paths"].items() for m in v} - seen - unauthenticated
assert not extra, extra
ids = [o["operationId"] for v in doc["paths"].values() for o in v.values()]
assert len(ids) == len(set(ids)), "operationIds are not unique"
print(len(routes), "routes checked against document;", len(unauthenticated), "unauthenticated routes documented "
      "with security []; no phantom routes; fields match CodingKeys; operationIds match operation types (and "
      "unshared actions); parameters match path and query fields")
