"""The AWS Encryption SDK CLI (aws-encryption-cli) against the server: it calls
GenerateDataKey / Encrypt / Decrypt itself and checks that the KeyId it gets back
is the key ARN it asked for, so it only round-trips if the door is faithful."""
import subprocess

from conftest import BIN_DIR, SUBPROCESS_TIMEOUT


def esdk(cli_env, *args):
    completed = subprocess.run(
        [str(BIN_DIR / "aws-encryption-cli"), *args, "--suppress-metadata",
         "--commitment-policy", "require-encrypt-require-decrypt"],
        env=cli_env(), capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    assert completed.returncode == 0, f"aws-encryption-cli failed ({completed.returncode}): {completed.stderr}"
    return completed


def test_encrypt_and_decrypt_a_file(cli_env, new_key, tmp_path):
    key = new_key(description="esdk")
    second = new_key(description="esdk second")
    source = tmp_path / "plain.bin"
    source.write_bytes(bytes(range(256)) * 64)
    sealed = tmp_path / "sealed.bin"
    opened = tmp_path / "opened.bin"
    esdk(cli_env, "--encrypt", "--input", str(source), "--output", str(sealed),
         "--wrapping-keys", f"key={key['Arn']}", f"key={second['Arn']}",
         "--encryption-context", "purpose=interop", "dept=eng")
    assert sealed.read_bytes() != source.read_bytes()

    # Strict mode with the first key, then with the second (the Encrypt-wrapped data key).
    for arn in (key["Arn"], second["Arn"]):
        opened.unlink(missing_ok=True)
        esdk(cli_env, "--decrypt", "--input", str(sealed), "--output", str(opened),
             "--wrapping-keys", f"key={arn}", "--encryption-context", "purpose=interop", "--buffer")
        assert opened.read_bytes() == source.read_bytes()

    # Discovery mode.
    opened.unlink()
    esdk(cli_env, "--decrypt", "--input", str(sealed), "--output", str(opened),
         "--wrapping-keys", "discovery=true", "--buffer")
    assert opened.read_bytes() == source.read_bytes()

