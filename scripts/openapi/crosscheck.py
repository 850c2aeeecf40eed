import json, re, glob
doc = json.load(open("/dev/stdin"))
def res(o):
    while isinstance(o, dict) and "$ref" in o:
        cur = doc
        for p in o["$ref"][2:].split("/"): cur = cur[p]
        o = cur
    return o
src = open("/work/main/Sources/KeyService/HTTP/RESTDoor.swift").read()
routes = re.findall(r'route\(\.(\w+), "([^"]+)", (\w+)\.self(.*?)\),\n', src)
# coding keys per op type
ops = "".join(open(f).read() for f in glob.glob("/work/main/Sources/KeyService/Operations/*.swift"))
inputs = {}
for m in re.finditer(r'public enum (\w+): Operation \{(.*?)\n\}', ops, re.S):
    name, body = m.groups()
    ck = re.search(r'enum CodingKeys: String, CodingKey, CaseIterable \{(.*?)\}', body, re.S)
    ta = re.search(r'typealias Input = (\w+)\.Input', body)
    inputs[name] = ck and set(re.findall(r'\b(\w+)\b', ck.group(1).replace("case", ""))) or ta.group(1)
for k, v in list(inputs.items()):
    if isinstance(v, str): inputs[k] = inputs[v]
seen = set()
for method, path, op, rest in routes:
    o = doc["paths"][path][method]
    seen.add((path, method))
    status = "201" if "status: .created" in rest else "200"
    assert status in o["responses"], (op, status)
    assert o["operationId"] == op, (o["operationId"], op)
    fields = set()
    for p in o.get("parameters", []):
        fields.add(res(p)["name"])
    if "requestBody" in o:
        fields |= set(res(o["requestBody"]["content"]["application/json"]["schema"])["properties"])
    assert fields == inputs[op], (op, fields, inputs[op])
extra = {(p, m) for p, v in doc["paths"].items() for m in v} - seen - {("/v1/health", "get"), ("/v1/openapi.json", "get")}
assert not extra, extra
print(len(routes), "routes checked against document; no phantom routes; fields match CodingKeys")
