#pragma once

// Password hashing (argon2id via libsodium) and session tokens.
// Thread-safe. Hashing is deliberately slow (tens of milliseconds, tens of MiB): run it on a
// worker pool, never on a network thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace startales::account {

struct PasswordHashConfig {
  uint64_t ops_limit = 2;          // argon2id passes (libsodium OPSLIMIT_INTERACTIVE = 2)
  uint64_t mem_limit_kib = 65536;  // argon2id memory, KiB (libsodium MEMLIMIT_INTERACTIVE = 64 MiB)
};

// Must be called once before anything else here; safe to call again. False if libsodium
// cannot initialise.
bool initCrypto();

// The encoded argon2id string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash").
Result<std::string> hashPassword(std::string_view password, const PasswordHashConfig& config);
bool verifyPassword(std::string_view encoded_hash, std::string_view password);

// A new opaque session token: 256 random bits, base64url without padding (43 chars).
std::string newToken();
// A short code people can type and say: `length` characters from A-Z and 2-9 without the
// look-alikes (O, I, 0, 1). For invite codes.
std::string newCode(int length);
// What we store instead of the token: BLAKE2b-256 of it, hex.
std::string tokenHash(std::string_view token);
// Whether a == b, in time that depends on neither content nor where they differ (both are
// hashed first, so lengths leak nothing either). For secrets a client guesses at: service
// tokens, invite codes.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace startales::account
