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

/// OPENSSL_free is a function-like macro; Swift cannot import it.
static inline void kms_openssl_free(void *p) { OPENSSL_free(p); }
#endif
