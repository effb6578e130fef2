// The keys of the masking operators, managed by the platform.
//
// Model (two tiers):
// - The master key (32 random bytes, 64 hex digits) comes from the environment
//   variable CITYDATA_MASTER_KEY or, when that is unset, from <data dir>/master.key,
//   which is created with a random key and mode 0600 on first use. A master.key
//   readable by anyone but its owner is refused.
// - Data keys do the work: per version, an HMAC-SM3 key for `hash`, an SM4 SIV key
//   for `tokenize` and an SM4 sealing key for `encrypt` (security/crypto.h). They are
//   random and stored only wrapped in <data dir>/keys.json (mode 0600): sealed with
//   SM4 + HMAC-SM3 under a key derived from the master key, the whole file covered by
//   an HMAC-SM3 under another derived key, plus a short check value of the master
//   key so a wrong master key and a modified file give different errors.
//
// Rotation:
// - RotateMasterKey re-wraps every data key under a new master key. Data keys do not
//   change, so every token and ciphertext stays readable.
// - RotateDataKeys adds a new data key version and makes it current. Old versions are
//   kept: tokens and ciphertexts name the version they were made with, so they still
//   detokenize and decrypt; new ones use the new version. Hashes and tokens of the
//   same value differ between versions (pseudonyms stop joining across a rotation).
//
// Thread safety: not thread-safe; a Masker takes a copy of the versions it uses.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace citydata::masking {

inline constexpr char kMasterKeyEnv[] = "CITYDATA_MASTER_KEY";

// One version of the data keys (raw bytes).
struct DataKeys {
  int version = 0;
  std::string hash_key;     // 32 bytes, HMAC-SM3 key of `hash`
  std::string token_key;    // security::kSealKeyBytes, Sm4SivSeal key of `tokenize`
  std::string encrypt_key;  // security::kSealKeyBytes, Sm4Seal key of `encrypt`

  // Fresh random keys.
  static DataKeys Generate(int version);
};

class KeyRing {
 public:
  // Opens the key ring of `data_dir` (created if missing) with the master key from
  // CITYDATA_MASTER_KEY or master.key, creating master.key and keys.json on first
  // use. Fails with FailedPrecondition, saying what to do, when master.key has a mode
  // wider than 0600, keys.json exists without master.key, the master key is not 64
  // hex digits or does not match keys.json, or keys.json fails its integrity check.
  static Result<KeyRing> Open(const std::filesystem::path& data_dir);

  // The same with the master key given (64 hex digits); master.key is not used.
  static Result<KeyRing> OpenWithMasterKey(const std::filesystem::path& data_dir,
                                           std::string_view master_key_hex);

  // Every data key version, oldest first; never empty.
  const std::vector<DataKeys>& versions() const { return versions_; }
  // The version new hashes, tokens and ciphertexts use (the last).
  const DataKeys& current() const { return versions_.back(); }

  // Re-wraps the data keys under `new_master_key_hex` (64 hex digits) and rewrites
  // keys.json atomically. When the master key came from master.key, the file is
  // replaced too (through master.key.next, so an interrupted rotation is completed
  // by the next Open); when it came from CITYDATA_MASTER_KEY, the caller must set
  // the variable to the new key before the next start.
  Status RotateMasterKey(std::string_view new_master_key_hex);

  // Adds a new data key version, makes it current and rewrites keys.json.
  Status RotateDataKeys();

 private:
  enum class MasterSource { kGiven, kFile };

  KeyRing(std::filesystem::path data_dir, std::string master_key, MasterSource source)
      : data_dir_(std::move(data_dir)), master_key_(std::move(master_key)), source_(source) {}

  static Result<KeyRing> Load(std::filesystem::path data_dir, std::string master_key,
                              MasterSource source);
  Status LoadOrCreateKeys();
  Status Save() const;

  std::filesystem::path data_dir_;
  std::string master_key_;  // 32 raw bytes
  MasterSource source_;
  std::vector<DataKeys> versions_;
};

}  // namespace citydata::masking
