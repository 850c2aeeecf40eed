"""Writes wrk Lua scripts with pre-signed SigV4 requests (valid for the 5-minute skew window).

usage: sign.py ENDPOINT CREDENTIALS_FILE KEY_ARN OUT_DIR
"""
import configparser, json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, credentials_file, key_arn, out_dir = sys.argv[1:5]
profile = configparser.ConfigParser()
profile.read(credentials_file)
creds = Credentials(profile["default"]["aws_access_key_id"], profile["default"]["aws_secret_access_key"])
region = profile["default"].get("region", "us-east-1")


def lua(name, path, body, headers):
    request = AWSRequest(method="POST", url=endpoint + path, data=body, headers=headers)
    SigV4Auth(creds, "kms", region).add_auth(request)
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body)}"]
    for k, v in request.headers.items():
        lines.append(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}")
    with open(f"{out_dir}/{name}.lua", "w") as f:
        f.write("\n".join(lines) + "\n")


context = {"project": "bench"}
lua("rest-datakey", "/v1/datakey",
    json.dumps({"keyId": key_arn, "keySpec": "AES_256", "encryptionContext": context}),
    {"Content-Type": "application/json"})
lua("rest-encrypt", "/v1/encrypt",
    json.dumps({"keyId": key_arn, "plaintext": "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQh", "encryptionContext": context}),
    {"Content-Type": "application/json"})
lua("aws-datakey", "/",
    json.dumps({"KeyId": key_arn, "KeySpec": "AES_256", "EncryptionContext": context}),
    {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.GenerateDataKey"})
