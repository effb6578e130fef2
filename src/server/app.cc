#include "server/app.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/access_service.h"
#include "audit/audit_log.h"
#include "catalog/catalog_service.h"
#include "classify/classifier.h"
#include "core/metrics.h"
#include "governance/classification_service.h"
#include "governance/quality_scheduler.h"
#include "governance/quality_service.h"
#include "governance/standards_service.h"
#include "http/api.h"
#include "http/server.h"
#include "ingest/ingest_service.h"
#include "masking/key_ring.h"
#include "masking/masker.h"
#include "security/app_service.h"
#include "security/crypto.h"
#include "security/identity_service.h"
#include "security/policy.h"
#include "opendata/open_data_service.h"
#include "share/resource_catalog_service.h"
#include "sandbox/sandbox_service.h"
#include "services/service_catalog.h"
#include "share/sharing_service.h"
#include "storage/identity_store.h"
#include "storage/governance_store.h"
#include "storage/meta_store.h"
#include "storage/service_store.h"
#include "storage/share_store.h"
#include "storage/sqlite/sqlite_engine.h"

#ifndef CITYDATA_VERSION
#define CITYDATA_VERSION "dev"
#endif
#ifndef CITYDATA_CONSOLE_DIR
#define CITYDATA_CONSOLE_DIR "console/dist"
#endif

namespace citydata::server {
namespace fs = std::filesystem;

// What follows every published ingest: the dataset's quality plan (which may also gate
// the batch), then classification and grading, so that masking knows the new columns
// before anyone reads them.
class AfterIngest final : public ingest::IngestQualityHook {
 public:
  AfterIngest(governance::QualityService& quality,
              governance::ClassificationService& classification)
      : quality_(quality), classification_(classification) {}

  Result<bool> HasGate(const DatasetName& dataset) override { return quality_.HasGate(dataset); }
  Result<ingest::QualityVerdict> CheckBatch(const DatasetName& dataset, const DatasetName& staged,
                                            const std::string& job_id) override {
    return quality_.CheckBatch(dataset, staged, job_id);
  }
  Result<ingest::QualityVerdict> AfterPublish(const DatasetName& dataset,
                                              const std::string& job_id) override {
    RETURN_IF_ERROR(classification_.Classify(dataset).status());
    return quality_.AfterPublish(dataset, job_id);
  }

 private:
  governance::QualityService& quality_;
  governance::ClassificationService& classification_;
};

struct App::Parts {
  Metrics metrics;
  std::unique_ptr<storage::MetaStore> meta;
  std::unique_ptr<storage::GovernanceStore> governance;
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<catalog::CatalogService> catalog;
  std::unique_ptr<governance::StandardsService> standards;
  std::unique_ptr<governance::QualityService> quality;
  std::unique_ptr<governance::QualityScheduler> scheduler;
  std::unique_ptr<ingest::IngestService> ingest;
  std::unique_ptr<query::QueryService> query;
  std::unique_ptr<storage::IdentityStore> identity_store;
  std::unique_ptr<security::IdentityService> identity;
  std::unique_ptr<security::Policy> policy;
  std::unique_ptr<security::AppService> apps;
  std::unique_ptr<classify::Classifier> classifier;
  std::unique_ptr<governance::ClassificationService> classification;
  std::unique_ptr<storage::ShareStore> share_store;
  std::unique_ptr<share::ResourceCatalogService> resources;
  std::unique_ptr<share::SharingService> sharing;
  std::unique_ptr<opendata::OpenDataService> open_data;
  std::unique_ptr<security::RateLimiter> open_rate;
  std::unique_ptr<AfterIngest> after_ingest;
  std::unique_ptr<masking::KeyRing> keys;
  std::mutex keys_mu;  // guards keys (rotation)
  std::unique_ptr<access::AccessService> access;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<storage::ServiceStore> service_store;
  std::unique_ptr<services::ServiceCatalog> services;
  std::unique_ptr<sandbox::SandboxService> sandbox;
  http::ApiContext api;
  std::unique_ptr<http::Server> server;
};

namespace {

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return InvalidArgument("--listen must be host:port, e.g. 127.0.0.1:8080");
  }
  std::string port = listen.substr(colon + 1);
  char* end = nullptr;
  long value = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value < 0 || value > 65535) {
    return InvalidArgument("--listen port must be 0-65535, got '" + port + "'");
  }
  return std::make_pair(listen.substr(0, colon), static_cast<uint16_t>(value));
}

// Writes a secret to a file that is never readable by others, not even briefly.
Status WriteSecretFile(const fs::path& path, const std::string& secret) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0 || ::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    if (fd >= 0) ::close(fd);
    return Internal("cannot write " + path.string());
  }
  std::string line = secret + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  return written ? Status::Ok() : Internal("cannot write " + path.string());
}

// Holds an exclusive lock on DIR/lock for the process's life, so that a second server
// cannot share the data directory (it would clear the first one's uploads and mark its
// running jobs interrupted).
Result<int> LockDataDirectory(const fs::path& dir) {
  fs::path path = dir / "lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return Unavailable("cannot create " + path.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return FailedPrecondition("another citydata server is using " + dir.string() +
                              "; stop it or choose another --data directory");
  }
  return fd;
}

}  // namespace

std::shared_ptr<const masking::Masker> App::CurrentMasker(Parts& p) {
  std::lock_guard lock(p.keys_mu);
  return std::make_shared<const masking::Masker>(p.keys->versions());
}

// "master": a new random master key re-wraps the data keys (every value stays
// readable); "data": a new data key version for new hashes, tokens and ciphertexts.
Status App::RotateKeys(Parts& p, const std::string& which) {
  std::lock_guard lock(p.keys_mu);
  if (which == "master") return p.keys->RotateMasterKey(security::RandomHex(32));
  if (which != "data") return InvalidArgument("rotate 'master' or 'data' keys");
  RETURN_IF_ERROR(p.keys->RotateDataKeys());
  p.access->SetMasker(std::make_shared<const masking::Masker>(p.keys->versions()));
  return Status::Ok();
}

namespace {

void DescribeMetrics(Metrics& m) {
  m.Describe("citydata_ingested_rows_total", "Rows loaded by ingest jobs", "counter");
  m.Describe("citydata_rejected_rows_total", "Rows rejected by ingest jobs", "counter");
  m.Describe("citydata_queries_total", "SQL queries started or refused", "counter");
  m.Describe("citydata_quality_runs_total", "Quality plan evaluations by trigger", "counter");
}

}  // namespace

App::App(ServeOptions options) : options_(std::move(options)), parts_(std::make_unique<Parts>()) {}

App::~App() {
  Shutdown();
  parts_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<App>> App::Open(const ServeOptions& options) {
  if (options.data_dir.empty()) return InvalidArgument("--data DIR is required");
  std::unique_ptr<App> app(new App(options));
  RETURN_IF_ERROR(app->Init());
  return app;
}

Status App::Init() {
  fs::path dir = options_.data_dir;
  std::error_code ec;
  fs::create_directories(dir / "zones", ec);
  if (ec) return Unavailable("cannot create data directory " + dir.string() + ": " + ec.message());
  ASSIGN_OR_RETURN(lock_fd_, LockDataDirectory(dir));
  fs::remove_all(dir / "spool", ec);
  fs::create_directories(dir / "spool", ec);
  if (ec) return Unavailable("cannot create data directory " + dir.string() + ": " + ec.message());
  Parts& p = *parts_;
  DescribeMetrics(p.metrics);
  ASSIGN_OR_RETURN(p.meta, storage::OpenSqliteMetaStore((dir / "meta.db").string()));
  ASSIGN_OR_RETURN(p.governance,
                   storage::OpenSqliteGovernanceStore((dir / "governance.db").string()));
  ASSIGN_OR_RETURN(auto engine, storage::SqliteEngine::Open((dir / "zones").string(), &p.metrics));
  p.engine = std::move(engine);
  RETURN_IF_ERROR(p.engine->CheckIntegrity());
  p.catalog = std::make_unique<catalog::CatalogService>(*p.meta, *p.engine);
  p.standards = std::make_unique<governance::StandardsService>(*p.governance, *p.meta, *p.engine,
                                                               *p.catalog);
  p.quality = std::make_unique<governance::QualityService>(*p.governance, *p.engine, *p.catalog,
                                                           *p.standards, p.metrics);
  p.scheduler = std::make_unique<governance::QualityScheduler>(*p.governance, *p.quality);
  ASSIGN_OR_RETURN(p.classifier, classify::Classifier::Create());
  p.classification = std::make_unique<governance::ClassificationService>(
      *p.governance, *p.meta, *p.engine, *p.classifier);
  p.after_ingest = std::make_unique<AfterIngest>(*p.quality, *p.classification);
  p.ingest = std::make_unique<ingest::IngestService>(*p.meta, *p.engine, *p.catalog, p.metrics,
                                                     p.after_ingest.get());
  p.query = std::make_unique<query::QueryService>(*p.engine, options_.query, p.metrics);
  ASSIGN_OR_RETURN(p.identity_store,
                   storage::OpenSqliteIdentityStore((dir / "identity.db").string()));
  p.identity = std::make_unique<security::IdentityService>(*p.identity_store, *p.meta);
  p.policy = std::make_unique<security::Policy>(*p.identity_store);
  ASSIGN_OR_RETURN(p.share_store, storage::OpenSqliteShareStore((dir / "share.db").string()));
  p.resources = std::make_unique<share::ResourceCatalogService>(*p.share_store, *p.catalog,
                                                                *p.classification, *p.policy);
  ASSIGN_OR_RETURN(auto keys, masking::KeyRing::Open(dir));
  p.keys = std::make_unique<masking::KeyRing>(std::move(keys));
  p.access = std::make_unique<access::AccessService>(
      *p.policy, *p.meta, *p.governance, *p.engine, *p.catalog, *p.classification,
      std::make_shared<const masking::Masker>(p.keys->versions()));
  p.sharing = std::make_unique<share::SharingService>(*p.share_store, *p.resources, *p.identity,
                                                      *p.identity_store, *p.policy, *p.access,
                                                      *p.engine);
  ASSIGN_OR_RETURN(p.audit, audit::OpenAuditLog(dir.string()));
  p.open_data = std::make_unique<opendata::OpenDataService>(*p.share_store, *p.access,
                                                            *p.engine, *p.audit);
  p.open_rate = std::make_unique<security::RateLimiter>(options_.open_rate_per_minute);
  ASSIGN_OR_RETURN(p.service_store,
                   storage::OpenSqliteServiceStore((dir / "services.db").string()));
  p.services = std::make_unique<services::ServiceCatalog>(*p.service_store, *p.engine, *p.catalog,
                                                          *p.policy, *p.access, *p.resources);
  p.sandbox = std::make_unique<sandbox::SandboxService>(*p.policy, *p.access, *p.engine,
                                                        *p.identity_store, *p.audit,
                                                        options_.sandbox);
  RETURN_IF_ERROR(p.ingest->RecoverInterruptedJobs());
  ASSIGN_OR_RETURN(new_admin_token_, p.identity->Bootstrap());
  if (new_admin_token_) RETURN_IF_ERROR(WriteSecretFile(admin_token_path(), *new_admin_token_));
  http::ApiContext& api = p.api;
  api.catalog = p.catalog.get();
  api.ingest = p.ingest.get();
  api.query = p.query.get();
  api.identity = p.identity.get();
  api.policy = p.policy.get();
  api.access = p.access.get();
  api.audit = p.audit.get();
  api.standards = p.standards.get();
  api.quality = p.quality.get();
  api.classification = p.classification.get();
  api.resources = p.resources.get();
  api.sharing = p.sharing.get();
  api.open_data = p.open_data.get();
  api.open_rate = p.open_rate.get();
  api.services = p.services.get();
  api.sandbox = p.sandbox.get();
  api.rotate_keys = [&p](const std::string& which) { return RotateKeys(p, which); };
  api.masker = [&p] { return CurrentMasker(p); };
  // App signing secrets are sealed with the key ring's encryption key: never stored in
  // clear, re-wrapped with the data keys by a master key rotation.
  security::SecretSealer sealer{
      [&p](std::string_view secret) {
        masking::Operator encrypt;
        encrypt.kind = masking::OperatorKind::kEncrypt;
        return CurrentMasker(p)->Apply(encrypt, "", secret).value_or("");
      },
      [&p](std::string_view sealed) { return CurrentMasker(p)->Decrypt(sealed); }};
  p.apps = std::make_unique<security::AppService>(*p.identity_store, std::move(sealer));
  api.apps = p.apps.get();
  api.metrics = &p.metrics;
  api.version = CITYDATA_VERSION;
  api.console_dir = options_.console_dir.empty() ? CITYDATA_CONSOLE_DIR : options_.console_dir;
  return Status::Ok();
}

Status App::Start() {
  ASSIGN_OR_RETURN(auto address, ParseListen(options_.listen));
  http::Router router;
  http::RegisterRoutes(router, parts_->api);
  http::ServerOptions server;
  server.host = address.first;
  server.port = address.second;
  server.worker_threads = options_.worker_threads;
  server.spool_dir = (fs::path(options_.data_dir) / "spool").string();
  server.metrics = &parts_->metrics;
  server.tls_cert_file = options_.tls_cert;
  server.tls_key_file = options_.tls_key;
  ASSIGN_OR_RETURN(parts_->server, http::Server::Start(server, std::move(router)));
  parts_->scheduler->Start();
  spdlog::info("citydata {} serving {} (data in {})", CITYDATA_VERSION, url(), options_.data_dir);
  return Status::Ok();
}

uint16_t App::port() const { return parts_->server ? parts_->server->port() : 0; }

std::string App::url() const {
  std::string host = options_.listen.substr(0, options_.listen.rfind(':'));
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  bool tls = !options_.tls_cert.empty() || !options_.tls_key.empty();
  return (tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

std::string App::admin_token_path() const {
  return (fs::path(options_.data_dir) / "admin.token").string();
}

void App::Shutdown() {
  if (parts_ && parts_->server) {
    parts_->server->Shutdown();
    parts_->scheduler->Stop();
    parts_->server.reset();
    spdlog::info("citydata stopped");
  }
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace citydata::server
