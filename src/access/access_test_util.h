// A test fixture with the whole read-access stack (test-only): SQLite stores and engine
// in a fresh directory, the catalog, the classifier and classification service, identity,
// the policy and the access service with test keys, and the departments gaj and mzj.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "access/access_service.h"
#include "catalog/catalog_service.h"
#include "classify/classifier.h"
#include "masking/key_ring.h"
#include "security/identity_service.h"
#include "storage/identity_store.h"
#include "storage/sqlite/sqlite_engine.h"

namespace citydata::access::testing {

class AccessFixture : public ::testing::Test {
 protected:
  // Builds the stack in a fresh directory named after `name` and the process.
  void OpenStack(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() /
           ("citydata_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "zones");
    meta_ = std::move(storage::OpenSqliteMetaStore((dir_ / "meta.db").string()).value());
    gov_ = std::move(storage::OpenSqliteGovernanceStore((dir_ / "gov.db").string()).value());
    ids_ = std::move(storage::OpenSqliteIdentityStore((dir_ / "id.db").string()).value());
    engine_ = std::move(storage::SqliteEngine::Open((dir_ / "zones").string()).value());
    catalog_ = std::make_unique<catalog::CatalogService>(*meta_, *engine_);
    classifier_ = std::move(classify::Classifier::Create().value());
    classification_ = std::make_unique<governance::ClassificationService>(*gov_, *meta_, *engine_,
                                                                          *classifier_);
    identity_ = std::make_unique<security::IdentityService>(*ids_, *meta_);
    policy_ = std::make_unique<security::Policy>(*ids_);
    auto keys = masking::KeyRing::OpenWithMasterKey(dir_, std::string(64, 'a')).value();
    access_ = std::make_unique<AccessService>(
        *policy_, *meta_, *gov_, *engine_, *catalog_, *classification_,
        std::make_shared<const masking::Masker>(keys.versions()));
    ASSERT_TRUE(meta_->AddDepartment({"gaj", "市公安局", ""}).ok());
    ASSERT_TRUE(meta_->AddDepartment({"mzj", "市民政局", ""}).ok());
  }

  void TearDown() override {
    access_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::MetaStore> meta_;
  std::unique_ptr<storage::GovernanceStore> gov_;
  std::unique_ptr<storage::IdentityStore> ids_;
  std::unique_ptr<storage::SqliteEngine> engine_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<classify::Classifier> classifier_;
  std::unique_ptr<governance::ClassificationService> classification_;
  std::unique_ptr<security::IdentityService> identity_;
  std::unique_ptr<security::Policy> policy_;
  std::unique_ptr<AccessService> access_;
};

}  // namespace citydata::access::testing
