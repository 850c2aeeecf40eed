import json, re, sys
src = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'#"""\n(.*?)\n([ \t]*)"""#', src, re.S)
body, indent = m.group(1), m.group(2)
lines = body.split("\n")
bad = [i for i, l in enumerate(lines) if l and not l.startswith(indent)]
assert not bad, f"lines not indented by closing delimiter: {bad[:5]}"
text = "\n".join(l[len(indent):] for l in lines)
doc = json.loads(text)
print("json.loads: OK,", len(text), "chars; openapi =", doc["openapi"])
print("paths:", len(doc["paths"]), "operations:", sum(len(v) for v in doc["paths"].values()))
# indentation: 2-space pretty print, consistent
assert text == json.dumps(doc, indent=2, ensure_ascii=False), "not canonical 2-space pretty print"
print("2-space pretty-printed: OK")
try:
    from openapi_spec_validator import validate
    validate(doc)
    print("openapi-spec-validator (3.1): OK")
except ImportError:
    print("openapi-spec-validator not available")
