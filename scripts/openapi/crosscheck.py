"""Checks the OpenAPI document (JSON on stdin) against RESTDoor.routes and the operations' inputs.

For every route: documented, with its success status; operationId = the name of the route's Operation
type (the AWS operation name for KMS operations); path parameters =
the path template's placeholders = the route's path fields; query parameters = the route's query fields;
path, query and body members together = the input's CodingKeys; body members never repeat path members;
bodies refuse unknown members. No documented route is missing from RESTDoor.routes.
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


def route_calls(text):
    """Each `route(...)` call, with balanced parentheses (arguments may span lines)."""
    calls, start = [], 0
    while (start := text.find("route(.", start)) >= 0:
        depth, i = 0, start + len("route")
        while True:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                break
        calls.append(text[start + len("route("):i - 1])
        start = i
    return calls


routes = [re.match(r'\.(\w+), "([^"]+)", (\w+)\.self(.*)$', call, re.S).groups() for call in route_calls(table)]
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
    """The operation's type name: the AWS name of every KMS operation (ReEncrypt, authorized as
    kms:ReEncryptFrom, included); the audit operations share the action audit:ReadAuditLog."""
    assert op in actions and raw_values[actions[op]], op
    return op


seen = set()
for method, path, op, rest in routes:
    label = f"{method.upper()} {path}"
    assert path in doc["paths"] and method in doc["paths"][path], f"{label} is not documented"
    o = doc["paths"][path][method]
    seen.add((path, method))
    status = "201" if "status: .created" in rest else "200"
    assert status in o["responses"], (label, status)
    assert o["operationId"] == operation_name(op), (label, o["operationId"], operation_name(op))
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
# The unauthenticated routes are served outside RESTDoor.routes (as in OpenAPITests.documentHasNoPhantomRoutes).
UNAUTHENTICATED = {("/v1/health", "get"), ("/v1/openapi.json", "get"), ("/v1/ready", "get"), ("/metrics", "get"),
                   ("/v1/audit/public-key", "get")}
extra = {(p, m) for p, v in doc["paths"].items() for m in v} - seen - UNAUTHENTICATED
assert not extra, extra
print(len(routes), "routes checked against document; no phantom routes; fields match CodingKeys; "
      "operationIds match operation names; parameters match path and query fields")
