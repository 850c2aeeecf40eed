#!/bin/sh
# Makes the BYOK unwrap fixtures with the openssl command line only (OpenSSL 3),
# exactly as a user with an HSM or a laptop would wrap material for
# ImportKeyMaterial (docs/byok.md). RSA-OAEP is randomized: a re-run gives new
# wrapped files that must unwrap to the same material.
set -eu
cd "$(dirname "$0")"

# A fixed RSA-2048 wrapping key pair (a test value, not a secret) and its public key.
[ -f wrapping-key-rsa2048.pem ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out wrapping-key-rsa2048.pem
openssl pkey -in wrapping-key-rsa2048.pem -pubout -out wrapping-key-rsa2048.pub.pem

# Material: 32 bytes 00..1f (a SYMMETRIC_DEFAULT key) and a P-256 private key as DER PKCS#8.
printf '%s' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f | xxd -r -p > material-symmetric.bin
# (genpkey -outform DER writes the traditional SEC 1 form; import takes PKCS#8, hence pkcs8 -topk8.)
[ -f material-p256.der ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 |
    openssl pkcs8 -topk8 -nocrypt -outform DER -out material-p256.der

oaep() {  # oaep <sha1|sha256> <in> <out>
    openssl pkeyutl -encrypt -pubin -inkey wrapping-key-rsa2048.pub.pem -in "$2" -out "$3" \
        -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$1" -pkeyopt rsa_mgf1_md:"$1"
}
# A fixed ephemeral AES-256 key for the RSA_AES_KEY_WRAP files (test value).
EPHEMERAL=202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
printf '%s' "$EPHEMERAL" | xxd -r -p > ephemeral.bin

oaep sha1 material-symmetric.bin symmetric.RSAES_OAEP_SHA_1.bin
oaep sha256 material-symmetric.bin symmetric.RSAES_OAEP_SHA_256.bin
for material in symmetric p256; do
    input=material-$material.bin; [ "$material" = p256 ] && input=material-p256.der
    openssl enc -id-aes256-wrap-pad -K "$EPHEMERAL" -iv A65959A6 -in "$input" -out kwp.bin
    for sha in sha1 sha256; do
        name=$(echo "$sha" | sed 's/sha1/SHA_1/; s/sha256/SHA_256/')
        oaep "$sha" ephemeral.bin rsa.bin
        cat rsa.bin kwp.bin > "$material.RSA_AES_KEY_WRAP_$name.bin"
    done
done
rm -f ephemeral.bin rsa.bin kwp.bin
