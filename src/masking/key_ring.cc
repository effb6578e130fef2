#include "masking/key_ring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "core/json_util.h"
#include "security/crypto.h"

namespace citydata::masking {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kMasterFile[] = "master.key";
constexpr char kNextMasterFile[] = "master.key.next";
constexpr char kKeysFile[] = "keys.json";
constexpr char kFormat[] = "citydata-keys/1";
constexpr size_t kMasterKeyBytes = 32;
constexpr size_t kCheckHexDigits = 16;

std::string SystemError(const std::string& what, const fs::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

Status WriteAll(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailedPrecondition(SystemError("cannot write", path));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return ::fsync(fd) == 0 ? Status::Ok() : FailedPrecondition(SystemError("cannot sync", path));
}

// Creates `path` with mode 0600 holding `data`; AlreadyExists when it exists.
Status CreatePrivateFile(const fs::path& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0 && errno == EEXIST) return AlreadyExists(path.string() + " exists");
  if (fd < 0) return FailedPrecondition(SystemError("cannot create", path));
  Status written = WriteAll(fd, data, path);
  ::close(fd);
  return written;
}

// Replaces `path` with a 0600 file holding `data`, atomically (write, sync, rename).
Status ReplacePrivateFile(const fs::path& path, std::string_view data) {
  fs::path tmp = path.string() + ".tmp";
  std::error_code ignored;
  fs::remove(tmp, ignored);
  RETURN_IF_ERROR(CreatePrivateFile(tmp, data));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return FailedPrecondition(SystemError("cannot replace", path));
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!(in && text << in.rdbuf())) return FailedPrecondition(SystemError("cannot read", path));
  return text.str();
}

Status CheckOwnerOnly(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FailedPrecondition(SystemError("cannot stat", path));
  if ((st.st_mode & 077) == 0) return Status::Ok();
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return FailedPrecondition("the master key file " + path.string() + " has mode " + mode +
                            "; it must be readable only by its owner: run chmod 600 " +
                            path.string());
}

Result<std::string> ParseMasterKey(std::string_view hex, std::string_view source) {
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.remove_suffix(1);
  }
  auto key = security::HexDecode(hex);
  if (!key.ok() || key->size() != kMasterKeyBytes) {
    return FailedPrecondition(
        "the master key in " + std::string(source) +
        " must be 64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`");
  }
  return *std::move(key);
}

Result<std::string> ReadMasterFile(const fs::path& path) {
  RETURN_IF_ERROR(CheckOwnerOnly(path));
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseMasterKey(text, path.string());
}

// Keys derived from the master key for keys.json, one per purpose.
std::string WrapKey(std::string_view master) {
  return security::HmacSm3(master, "citydata keys.json wrap v1");
}
std::string FileMacKey(std::string_view master) {
  return security::HmacSm3(master, "citydata keys.json mac v1");
}
std::string MasterCheck(std::string_view master) {
  return security::HmacSm3Hex(master, "citydata master key check v1").substr(0, kCheckHexDigits);
}

std::string StringField(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string EncodeKeys(const std::vector<DataKeys>& versions, std::string_view master) {
  json list = json::array();
  for (const DataKeys& keys : versions) {
    std::string sealed =
        security::Sm4Seal(WrapKey(master), keys.hash_key + keys.token_key + keys.encrypt_key);
    list.push_back({{"version", keys.version}, {"wrapped", security::HexEncode(sealed)}});
  }
  json file = {{"format", kFormat}, {"master_check", MasterCheck(master)}, {"versions", list}};
  file["mac"] = security::HmacSm3Hex(FileMacKey(master), DumpJson(file));
  return DumpJson(file, 2) + "\n";
}

Status Tampered(const fs::path& path) {
  return FailedPrecondition(path.string() +
                            " failed its integrity check (HMAC-SM3): it was modified after "
                            "citydata wrote it; restore it from a backup");
}

Result<DataKeys> UnwrapVersion(const json& entry, std::string_view master, const fs::path& path) {
  auto version = entry.find("version");
  auto wrapped = security::HexDecode(StringField(entry, "wrapped"));
  if (version == entry.end() || !version->is_number_integer() || !wrapped.ok()) {
    return Tampered(path);
  }
  auto plain = security::Sm4Open(WrapKey(master), *wrapped);
  if (!plain.ok() || plain->size() != 32 + 2 * security::kSealKeyBytes) return Tampered(path);
  DataKeys keys;
  keys.version = version->get<int>();
  keys.hash_key = plain->substr(0, 32);
  keys.token_key = plain->substr(32, security::kSealKeyBytes);
  keys.encrypt_key = plain->substr(32 + security::kSealKeyBytes);
  return keys;
}

Result<std::vector<DataKeys>> DecodeKeys(std::string_view text, std::string_view master,
                                         const fs::path& path) {
  json file = json::parse(text, nullptr, false);
  if (!file.is_object() || StringField(file, "format") != kFormat) return Tampered(path);
  if (StringField(file, "master_check") != MasterCheck(master)) {
    return FailedPrecondition("the master key does not open " + path.string() +
                              ": it was written under another master key; set " + kMasterKeyEnv +
                              " (or restore " + kMasterFile + ") to the key it was written with");
  }
  std::string mac = StringField(file, "mac");
  file.erase("mac");
  if (!security::ConstantTimeEquals(mac,
                                    security::HmacSm3Hex(FileMacKey(master), DumpJson(file)))) {
    return Tampered(path);
  }
  std::vector<DataKeys> versions;
  auto list = file.find("versions");
  if (list == file.end() || !list->is_array() || list->empty()) return Tampered(path);
  for (const json& entry : *list) {
    if (!entry.is_object()) return Tampered(path);
    ASSIGN_OR_RETURN(DataKeys keys, UnwrapVersion(entry, master, path));
    if (!versions.empty() && keys.version <= versions.back().version) return Tampered(path);
    versions.push_back(std::move(keys));
  }
  return versions;
}

// A master key rotation writes master.key.next, then keys.json, then renames
// master.key.next over master.key. Finishes one that was interrupted: the rename when
// keys.json was already written under the next key, else drops the next key.
Status FinishInterruptedRotation(const fs::path& dir) {
  ASSIGN_OR_RETURN(std::string next, ReadMasterFile(dir / kNextMasterFile));
  ASSIGN_OR_RETURN(std::string text, ReadFile(dir / kKeysFile));
  json file = json::parse(text, nullptr, false);
  bool written = file.is_object() && StringField(file, "master_check") == MasterCheck(next);
  fs::path next_path = dir / kNextMasterFile;
  int rc = written ? ::rename(next_path.c_str(), (dir / kMasterFile).c_str())
                   : ::unlink(next_path.c_str());
  if (rc != 0) return FailedPrecondition(SystemError("cannot finish the rotation of", next_path));
  return Status::Ok();
}

Result<std::string> MasterKeyFromFile(const fs::path& dir) {
  if (fs::exists(dir / kNextMasterFile)) RETURN_IF_ERROR(FinishInterruptedRotation(dir));
  fs::path path = dir / kMasterFile;
  if (!fs::exists(path)) {
    if (fs::exists(dir / kKeysFile)) {
      return FailedPrecondition((dir / kKeysFile).string() + " exists but " + path.string() +
                                " does not: restore the master key file, or set " + kMasterKeyEnv +
                                " to the key keys.json was written with");
    }
    Status created = CreatePrivateFile(path, security::RandomHex(kMasterKeyBytes) + "\n");
    if (!created.ok() && created.code() != ErrorCode::kAlreadyExists) return created;
  }
  return ReadMasterFile(path);
}

Status EnsureDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return FailedPrecondition("cannot create " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

DataKeys DataKeys::Generate(int version) {
  return {version, security::RandomBytes(32), security::RandomBytes(security::kSealKeyBytes),
          security::RandomBytes(security::kSealKeyBytes)};
}

Result<KeyRing> KeyRing::Open(const fs::path& data_dir) {
  if (const char* env = std::getenv(kMasterKeyEnv); env != nullptr) {
    return OpenWithMasterKey(data_dir, env);
  }
  RETURN_IF_ERROR(EnsureDirectory(data_dir));
  ASSIGN_OR_RETURN(std::string master, MasterKeyFromFile(data_dir));
  return Load(data_dir, std::move(master), MasterSource::kFile);
}

Result<KeyRing> KeyRing::OpenWithMasterKey(const fs::path& data_dir,
                                           std::string_view master_key_hex) {
  ASSIGN_OR_RETURN(std::string master, ParseMasterKey(master_key_hex, kMasterKeyEnv));
  RETURN_IF_ERROR(EnsureDirectory(data_dir));
  return Load(data_dir, std::move(master), MasterSource::kGiven);
}

Result<KeyRing> KeyRing::Load(fs::path data_dir, std::string master_key, MasterSource source) {
  KeyRing ring(std::move(data_dir), std::move(master_key), source);
  RETURN_IF_ERROR(ring.LoadOrCreateKeys());
  return ring;
}

Status KeyRing::LoadOrCreateKeys() {
  fs::path path = data_dir_ / kKeysFile;
  if (!fs::exists(path)) {
    versions_ = {DataKeys::Generate(1)};
    return Save();
  }
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ASSIGN_OR_RETURN(versions_, DecodeKeys(text, master_key_, path));
  return Status::Ok();
}

Status KeyRing::Save() const {
  return ReplacePrivateFile(data_dir_ / kKeysFile, EncodeKeys(versions_, master_key_));
}

Status KeyRing::RotateMasterKey(std::string_view new_master_key_hex) {
  ASSIGN_OR_RETURN(std::string next, ParseMasterKey(new_master_key_hex, "the new master key"));
  fs::path next_path = data_dir_ / kNextMasterFile;
  if (source_ == MasterSource::kFile) {
    RETURN_IF_ERROR(ReplacePrivateFile(next_path, security::HexEncode(next) + "\n"));
  }
  std::string previous = std::exchange(master_key_, std::move(next));
  Status saved = Save();
  if (!saved.ok()) {
    master_key_ = std::move(previous);
    return saved;
  }
  if (source_ == MasterSource::kFile &&
      ::rename(next_path.c_str(), (data_dir_ / kMasterFile).c_str()) != 0) {
    return FailedPrecondition(SystemError("cannot replace the master key with", next_path));
  }
  return Status::Ok();
}

Status KeyRing::RotateDataKeys() {
  versions_.push_back(DataKeys::Generate(current().version + 1));
  Status saved = Save();
  if (!saved.ok()) versions_.pop_back();
  return saved;
}

}  // namespace citydata::masking
