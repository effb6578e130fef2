#include "masking/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "masking/masker.h"
#include "security/crypto.h"

namespace citydata::masking {
namespace {

namespace fs = std::filesystem;

class KeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("citydata_keyring_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    ::unsetenv(kMasterKeyEnv);
  }
  void TearDown() override {
    ::unsetenv(kMasterKeyEnv);
    fs::remove_all(dir_);
  }

  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::trunc) << text;
  }
  static unsigned Mode(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
  }

  fs::path dir_;
};

TEST_F(KeyRingTest, CreatesPrivateFilesOnFirstUseAndReopensTheSameKeys) {
  auto first = KeyRing::Open(dir_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Mode(dir_ / "master.key"), 0600u);
  EXPECT_EQ(Mode(dir_ / "keys.json"), 0600u);
  EXPECT_EQ(Read("master.key").size(), 65u);  // 64 hex digits and a newline
  std::string keys_file = Read("keys.json");
  EXPECT_EQ(keys_file.find(security::HexEncode(first->current().hash_key)), std::string::npos);
  auto again = KeyRing::Open(dir_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->current().version, 1);
  EXPECT_EQ(again->current().hash_key, first->current().hash_key);
  EXPECT_EQ(again->current().token_key, first->current().token_key);
  EXPECT_EQ(again->current().encrypt_key, first->current().encrypt_key);
}

TEST_F(KeyRingTest, RefusesAMasterKeyFileOthersCanRead) {
  ASSERT_TRUE(KeyRing::Open(dir_).ok());
  ASSERT_EQ(::chmod((dir_ / "master.key").c_str(), 0644), 0);
  auto ring = KeyRing::Open(dir_);
  EXPECT_EQ(ring.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(ring.status().message().find("mode 0644"), std::string::npos);
  EXPECT_NE(ring.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeyRingTest, MasterKeyFromTheEnvironment) {
  std::string master = security::RandomHex(32);
  ::setenv(kMasterKeyEnv, master.c_str(), 1);
  auto ring = KeyRing::Open(dir_);
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "master.key"));
  auto same = KeyRing::OpenWithMasterKey(dir_, master);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->current().hash_key, ring->current().hash_key);
  ::setenv(kMasterKeyEnv, "not hex", 1);
  EXPECT_NE(KeyRing::Open(dir_).status().message().find("64 hex digits"), std::string::npos);
}

TEST_F(KeyRingTest, WrongMasterKeyIsAClearError) {
  ASSERT_TRUE(KeyRing::OpenWithMasterKey(dir_, security::RandomHex(32)).ok());
  auto wrong = KeyRing::OpenWithMasterKey(dir_, security::RandomHex(32));
  EXPECT_EQ(wrong.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(wrong.status().message().find("another master key"), std::string::npos);
  // keys.json without its master.key is refused rather than answered with a new key.
  auto lost = KeyRing::Open(dir_);
  EXPECT_NE(lost.status().message().find("master.key does not"), std::string::npos)
      << lost.status().ToString();
  EXPECT_FALSE(fs::exists(dir_ / "master.key"));
}

TEST_F(KeyRingTest, TamperedKeysFileFailsItsIntegrityCheck) {
  std::string master = security::RandomHex(32);
  ASSERT_TRUE(KeyRing::OpenWithMasterKey(dir_, master).ok());
  std::string original = Read("keys.json");
  size_t wrapped = original.find("\"wrapped\": \"") + 12;
  std::string edited = original;
  edited[wrapped] = edited[wrapped] == '0' ? '1' : '0';
  Write("keys.json", edited);
  auto ring = KeyRing::OpenWithMasterKey(dir_, master);
  EXPECT_EQ(ring.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(ring.status().message().find("integrity check"), std::string::npos);
  Write("keys.json", "{not json");
  EXPECT_NE(KeyRing::OpenWithMasterKey(dir_, master).status().message().find("integrity"),
            std::string::npos);
  Write("keys.json", original);
  EXPECT_TRUE(KeyRing::OpenWithMasterKey(dir_, master).ok());
}

TEST_F(KeyRingTest, RotatingTheMasterKeyRewrapsTheSameDataKeys) {
  auto ring = KeyRing::Open(dir_);
  ASSERT_TRUE(ring.ok());
  Masker before(ring->versions());
  Operator tokenize = *Operator::Parse("tokenize");
  std::string token = *before.Apply(tokenize, "id_card", "11010519491231002X");
  std::string old_master = Read("master.key");
  std::string new_master = security::RandomHex(32);
  ASSERT_TRUE(ring->RotateMasterKey(new_master).ok());
  EXPECT_EQ(Read("master.key"), new_master + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "master.key.next"));
  EXPECT_EQ(Mode(dir_ / "master.key"), 0600u);
  EXPECT_FALSE(KeyRing::OpenWithMasterKey(dir_, old_master.substr(0, 64)).ok());
  auto reopened = KeyRing::Open(dir_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*Masker(reopened->versions()).Detokenize(token), "11010519491231002X");
  EXPECT_FALSE(reopened->RotateMasterKey("short").ok());
}

TEST_F(KeyRingTest, AnInterruptedMasterRotationIsFinishedOnOpen) {
  ASSERT_TRUE(KeyRing::Open(dir_).ok());
  std::string old_master = Read("master.key");
  // Crash after keys.json was written under the next key but before the rename.
  std::string next = security::RandomHex(32);
  ASSERT_TRUE(KeyRing::Open(dir_)->RotateMasterKey(next).ok());
  ASSERT_EQ(::rename((dir_ / "master.key").c_str(), (dir_ / "master.key.next").c_str()), 0);
  Write("master.key", old_master);
  ASSERT_EQ(::chmod((dir_ / "master.key").c_str(), 0600), 0);
  ASSERT_TRUE(KeyRing::Open(dir_).ok());
  EXPECT_EQ(Read("master.key"), next + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "master.key.next"));
  // Crash before keys.json was written: the next key is dropped.
  Write("master.key.next", security::RandomHex(32) + "\n");
  ASSERT_EQ(::chmod((dir_ / "master.key.next").c_str(), 0600), 0);
  ASSERT_TRUE(KeyRing::Open(dir_).ok());
  EXPECT_EQ(Read("master.key"), next + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "master.key.next"));
}

TEST_F(KeyRingTest, RotatingDataKeysKeepsOldVersionsForDetokenizing) {
  auto ring = KeyRing::Open(dir_);
  ASSERT_TRUE(ring.ok());
  Operator tokenize = *Operator::Parse("tokenize");
  Operator encrypt = *Operator::Parse("encrypt");
  Masker v1(ring->versions());
  std::string token = *v1.Apply(tokenize, "mobile", "13812341234");
  std::string cipher = *v1.Apply(encrypt, "mobile", "13812341234");
  ASSERT_TRUE(ring->RotateDataKeys().ok());
  EXPECT_EQ(ring->current().version, 2);
  auto reopened = KeyRing::Open(dir_);
  ASSERT_TRUE(reopened.ok());
  ASSERT_EQ(reopened->versions().size(), 2u);
  Masker v2(reopened->versions());
  EXPECT_EQ(*v2.Detokenize(token), "13812341234");
  EXPECT_EQ(*v2.Decrypt(cipher), "13812341234");
  std::string new_token = *v2.Apply(tokenize, "mobile", "13812341234");
  EXPECT_TRUE(new_token.starts_with("tk2_"));
  EXPECT_NE(new_token, token);
  EXPECT_EQ(v1.Detokenize(new_token).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace citydata::masking
