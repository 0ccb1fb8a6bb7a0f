#include "account/crypto.h"

#include <sodium.h>

namespace startales::account {

bool initCrypto() { return sodium_init() >= 0; }

Result<std::string> hashPassword(std::string_view password, const PasswordHashConfig& config) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), config.ops_limit,
                            static_cast<size_t>(config.mem_limit_kib) * 1024,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return makeError("hash_failed", "Password hashing ran out of memory.");
  }
  return std::string(out);
}

bool verifyPassword(std::string_view encoded_hash, std::string_view password) {
  std::string hash(encoded_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string newToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof(bytes));
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof(out), bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out);
}

std::string newCode(int length) {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < length; ++i) out += kAlphabet[randombytes_uniform(sizeof(kAlphabet) - 1)];
  return out;
}

std::string tokenHash(std::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof(digest), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char da[32], db[32];
  crypto_generichash(da, sizeof(da), reinterpret_cast<const unsigned char*>(a.data()), a.size(),
                     nullptr, 0);
  crypto_generichash(db, sizeof(db), reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                     nullptr, 0);
  return sodium_memcmp(da, db, sizeof(da)) == 0;
}

}  // namespace startales::account
