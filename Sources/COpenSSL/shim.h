#ifndef KMS_COPENSSL_SHIM_H
#define KMS_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/kdf.h>
#include <openssl/hmac.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/// OPENSSL_free is a function-like macro; Swift cannot import it.
static inline void kms_openssl_free(void *p) { OPENSSL_free(p); }
/// EVP_PKEY_Q_keygen is variadic; Swift cannot call it. One wrapper per key type.
static inline EVP_PKEY *kms_generate_ec(const char *curve) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve); }
static inline EVP_PKEY *kms_generate_rsa(size_t bits) { return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits); }
static inline EVP_PKEY *kms_generate_ed25519(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"); }

/// EVP_EC_gen is a macro over the variadic EVP_PKEY_Q_keygen; Swift can import neither.
static inline EVP_PKEY *kms_ec_generate(const char *curve) { return EVP_EC_gen(curve); }

/// EVP_PKEY_PUBLIC_KEY is a compound macro (selection bits for a public key import).
static inline int kms_evp_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }
#endif
