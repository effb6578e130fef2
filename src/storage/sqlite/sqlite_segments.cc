#include "storage/sqlite/sqlite_segments.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>

namespace citydata::storage::sqlite {

// --- the file format --------------------------------------------------------------------
//
// A segment file, all integers little-endian as the machine writes them (files never
// leave the machine that wrote them):
//   FileHeader | ColumnEntry[columns] | per column: name, kinds, numbers, ends, heap
//   (each part 8-byte aligned) | kTrailer
// A column stores kinds (one byte per row) only when its rows differ in kind; numbers
// (int64, or a double's bits) only when it has numbers; ends (uint32: the end of row i's
// text in heap, which starts where row i - 1's ends) only when it has text.

namespace {

constexpr char kMagic[8] = {'C', 'D', 'S', 'E', 'G', '0', '1', '\n'};
constexpr char kTrailer[8] = {'C', 'D', 'S', 'E', 'G', 'E', 'N', 'D'};
// Text offsets are 32-bit: a segment is cut before any column's text passes this.
constexpr size_t kMaxHeapBytes = size_t{1} << 30;

enum Kind : uint8_t { kNull = 0, kInteger = 1, kReal = 2, kText = 3 };

struct FileHeader {
  char magic[8];
  uint64_t rows;
  uint64_t columns;
  uint64_t file_size;
};
static_assert(sizeof(FileHeader) == 32);

struct ColumnEntry {
  uint64_t name_offset, name_size;
  uint64_t kinds_offset;    // 0: every row is uniform_kind
  uint64_t numbers_offset;  // 0: no numbers
  uint64_t ends_offset;     // 0: no text
  uint64_t heap_offset, heap_size;
  uint8_t uniform_kind;
  uint8_t padding[7];
};
static_assert(sizeof(ColumnEntry) == 64);

constexpr uint64_t Align8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

// True when [offset, offset + bytes) lies inside a file of `size` bytes.
bool Within(uint64_t offset, uint64_t bytes, uint64_t size) {
  return offset <= size && bytes <= size - offset;
}

// SQLite's type affinity of a column of `type` (see DeclaredType in sqlite_engine.cc:
// INTEGER, REAL, TEXT, and NUMERIC for BOOLEAN, DATE and TIMESTAMP).
enum class Affinity { kText, kInteger, kReal, kNumeric };
Affinity AffinityOf(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return Affinity::kText;
    case ColumnType::kInteger:
      return Affinity::kInteger;
    case ColumnType::kDecimal:
      return Affinity::kReal;
    case ColumnType::kBoolean:
    case ColumnType::kDate:
    case ColumnType::kTimestamp:
      return Affinity::kNumeric;
  }
  return Affinity::kNumeric;
}

bool IsSqliteSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// True when SQLite might store the text `s` as a number in a column of numeric, integer or
// real affinity: blanks around an optionally signed decimal number (digits, a point, an
// exponent) or a hexadecimal integer, or any text with a NUL. Erring towards true only
// costs the mirror.
bool MayConvertToNumber(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return true;
  size_t i = 0, n = s.size();
  while (i < n && IsSqliteSpace(s[i])) ++i;
  while (n > i && IsSqliteSpace(s[n - 1])) --n;
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    for (size_t j = i + 2; j < n; ++j)
      if (!IsHexDigit(s[j])) return false;
    return true;
  }
  bool digits = false;
  while (i < n && IsDigit(s[i])) ++i, digits = true;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && IsDigit(s[i])) ++i, digits = true;
  }
  if (!digits) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  return i == n;
}

// Writes all of `data` to `fd`.
bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool WritePadding(int fd, uint64_t written) {
  static constexpr char kZeros[8] = {};
  return WriteAll(fd, kZeros, Align8(written) - written);
}

}  // namespace

// --- reading ----------------------------------------------------------------------------

Result<std::shared_ptr<const SegmentFile>> SegmentFile::Map(const std::string& path, int64_t rows) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("segment file " + path + " cannot be opened");
  struct stat st {};
  void* data = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED | MAP_POPULATE,
                  fd, 0);
  }
  ::close(fd);
  if (data == MAP_FAILED) return Internal("segment file " + path + " cannot be mapped");
  std::shared_ptr<SegmentFile> file(
      new SegmentFile(static_cast<const char*>(data), static_cast<size_t>(st.st_size)));
  ::madvise(data, file->size_, MADV_SEQUENTIAL);
  Status parsed = file->Parse(rows);
  if (!parsed.ok()) return parsed.WithContext("segment file " + path);
  return std::shared_ptr<const SegmentFile>(std::move(file));
}

SegmentFile::~SegmentFile() { ::munmap(const_cast<char*>(data_), size_); }

Status SegmentFile::Parse(int64_t rows) {
  FileHeader header;
  if (size_ < sizeof header + sizeof kTrailer) return Internal("too short");
  std::memcpy(&header, data_, sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 ||
      std::memcmp(data_ + size_ - sizeof kTrailer, kTrailer, sizeof kTrailer) != 0) {
    return Internal("not a segment file");
  }
  if (header.file_size != size_ || rows < 0 || header.rows != static_cast<uint64_t>(rows) ||
      header.columns > (size_ - sizeof header) / sizeof(ColumnEntry)) {
    return Internal("size or row count does not match");
  }
  rows_ = static_cast<size_t>(rows);
  const uint64_t n = header.rows;
  for (uint64_t c = 0; c < header.columns; ++c) {
    ColumnEntry e;
    std::memcpy(&e, data_ + sizeof header + c * sizeof e, sizeof e);
    bool ok = Within(e.name_offset, e.name_size, size_) && e.uniform_kind <= kText &&
              (e.kinds_offset == 0 || Within(e.kinds_offset, n, size_)) &&
              (e.numbers_offset == 0 || (e.numbers_offset % 8 == 0 && n <= size_ / 8 &&
                                         Within(e.numbers_offset, n * 8, size_))) &&
              (e.ends_offset == 0 ||
               (e.ends_offset % 8 == 0 && n <= size_ / 4 && Within(e.ends_offset, n * 4, size_))) &&
              Within(e.heap_offset, e.heap_size, size_);
    if (!ok) return Internal("column " + std::to_string(c) + " lies outside the file");
    Column column;
    column.name = std::string_view(data_ + e.name_offset, e.name_size);
    if (e.kinds_offset != 0)
      column.kinds = reinterpret_cast<const uint8_t*>(data_ + e.kinds_offset);
    if (e.numbers_offset != 0)
      column.numbers = reinterpret_cast<const int64_t*>(data_ + e.numbers_offset);
    if (e.ends_offset != 0) column.ends = reinterpret_cast<const uint32_t*>(data_ + e.ends_offset);
    column.heap = data_ + e.heap_offset;
    column.heap_size = e.heap_size;
    column.uniform_kind = e.uniform_kind;
    columns_.push_back(column);
  }
  return Status::Ok();
}

int SegmentFile::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

// Asks the CPU to load [p, p + bytes) into cache ahead of use: a scan reads several
// columns' arrays at once, more streams than the hardware prefetcher follows well.
void PrefetchRange(const void* p, size_t bytes) {
  const auto* c = static_cast<const char*>(p);
  for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(c + at);
}

}  // namespace

bool SegmentFile::Read(size_t column, size_t begin, size_t end, CellView* out) const {
  const Column& c = columns_[column];
  // The rows after these are most likely read next.
  const size_t ahead = std::min(end - begin, rows_ - end);
  if (c.kinds != nullptr) PrefetchRange(c.kinds + end, ahead);
  if (c.numbers != nullptr) PrefetchRange(c.numbers + end, ahead * sizeof(int64_t));
  if (c.ends != nullptr) PrefetchRange(c.ends + end, ahead * sizeof(uint32_t));
  if (c.kinds == nullptr && c.uniform_kind == kText && c.ends != nullptr) {
    // The common case of a text column without NULLs, without a branch per kind.
    uint32_t from = begin == 0 ? 0 : c.ends[begin - 1];
    for (size_t i = begin; i < end; ++i, ++out) {
      const uint32_t to = c.ends[i];
      if (from > to || to > c.heap_size) return false;
      out->kind = CellView::Kind::kText;
      out->text = std::string_view(c.heap + from, to - from);
      from = to;
    }
    return true;
  }
  for (size_t i = begin; i < end; ++i, ++out) {
    uint8_t kind = c.kinds != nullptr ? c.kinds[i] : c.uniform_kind;
    switch (kind) {
      case kNull:
        *out = CellView{};
        break;
      case kInteger:
        if (c.numbers == nullptr) return false;
        out->kind = CellView::Kind::kInteger;
        out->integer = c.numbers[i];
        break;
      case kReal:
        if (c.numbers == nullptr) return false;
        out->kind = CellView::Kind::kReal;
        out->real = std::bit_cast<double>(c.numbers[i]);
        break;
      case kText: {
        if (c.ends == nullptr) return false;
        uint32_t from = i == 0 ? 0 : c.ends[i - 1], to = c.ends[i];
        if (from > to || to > c.heap_size) return false;
        out->kind = CellView::Kind::kText;
        out->text = std::string_view(c.heap + from, to - from);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

// --- writing ----------------------------------------------------------------------------

struct SegmentWriter::ColumnBuilder {
  Affinity affinity = Affinity::kText;
  std::vector<uint8_t> kinds;
  std::vector<int64_t> numbers;  // sized lazily: rows before the first number are 0
  std::vector<uint32_t> ends;    // sized lazily: rows before the first text are empty
  std::string heap;
  uint8_t seen = 0;  // bit k: a row of kind k

  // Adds `value` as SQLite stores it in a column of this affinity; false when SQLite
  // would convert it (not mirrored).
  bool Add(const Value& value) {
    if (std::holds_alternative<std::monostate>(value)) return Push(kNull);
    if (const auto* b = std::get_if<bool>(&value)) return AddInteger(*b ? 1 : 0);
    if (const auto* i = std::get_if<int64_t>(&value)) return AddInteger(*i);
    if (const auto* d = std::get_if<double>(&value)) return AddReal(*d);
    const auto& s = std::get<std::string>(value);
    if (affinity != Affinity::kText && MayConvertToNumber(s)) return false;
    Push(kText);
    if (ends.empty()) ends.reserve(kinds.capacity());
    if (ends.size() + 1 < kinds.size())
      ends.resize(kinds.size() - 1, static_cast<uint32_t>(heap.size()));
    heap += s;
    ends.push_back(static_cast<uint32_t>(heap.size()));
    return true;
  }

  bool AddInteger(int64_t v) {
    if (affinity == Affinity::kText) return false;
    if (affinity == Affinity::kReal)
      return AddNumber(kReal, std::bit_cast<int64_t>(static_cast<double>(v)));
    return AddNumber(kInteger, v);
  }

  bool AddReal(double v) {
    // SQLite stores NaN as NULL, a real as text in a TEXT column, and an integral real
    // as an integer in an INTEGER or NUMERIC one.
    if (std::isnan(v) || affinity == Affinity::kText) return false;
    if (affinity != Affinity::kReal && std::trunc(v) == v) return false;
    // A REAL column stores an integral value as an integer and reads it back as a
    // double, which turns -0.0 into 0.0.
    if (v == 0) v = 0.0;
    return AddNumber(kReal, std::bit_cast<int64_t>(v));
  }

  bool AddNumber(uint8_t kind, int64_t bits) {
    Push(kind);
    if (numbers.empty()) numbers.reserve(kinds.capacity());
    if (numbers.size() + 1 < kinds.size()) numbers.resize(kinds.size() - 1, 0);
    numbers.push_back(bits);
    return true;
  }

  bool Push(uint8_t kind) {
    kinds.push_back(kind);
    seen = static_cast<uint8_t>(seen | (1u << kind));
    return true;
  }

  // Pads the lazily sized arrays to `rows`.
  void Complete(size_t rows) {
    if (!numbers.empty()) numbers.resize(rows, 0);
    if (!ends.empty()) ends.resize(rows, static_cast<uint32_t>(heap.size()));
  }

  bool uniform() const { return std::popcount(seen) <= 1; }
  uint8_t uniform_kind() const {
    return seen == 0 ? uint8_t{kNull} : static_cast<uint8_t>(std::countr_zero(seen));
  }

  void Clear() {
    kinds.clear();
    numbers.clear();
    ends.clear();
    heap.clear();
    seen = 0;
  }
};

SegmentWriter::SegmentWriter(SegmentStore& store, Zone zone, const Schema& schema)
    : store_(store), zone_(zone), builders_(schema.size()) {
  for (size_t i = 0; i < schema.size(); ++i) {
    builders_[i].affinity = AffinityOf(schema[i].type);
    names_.push_back(schema[i].name);
  }
}

SegmentWriter::~SegmentWriter() {
  for (const auto& s : written_) std::filesystem::remove(store_.PathOf(s.file));
}

void SegmentWriter::Append(int64_t row_id, const std::vector<Value>& row) {
  if (abandoned_) return;
  int64_t expected = rows_ > 0          ? first_row_id_ + rows_
                     : written_.empty() ? row_id
                                        : written_.back().first_row_id + written_.back().rows;
  if (row_id != expected || row.size() != builders_.size()) return Abandon();
  if (rows_ == 0) {
    first_row_id_ = row_id;
    // Room for a whole segment up front (address space only until rows arrive): growing
    // by doubling would copy every array about once more.
    for (auto& b : builders_) b.kinds.reserve(kRowsPerSegment);
  }
  bool full = false;
  for (size_t c = 0; c < row.size(); ++c) {
    if (!builders_[c].Add(row[c])) return Abandon();
    full = full || builders_[c].heap.size() >= kMaxHeapBytes;
  }
  if (++rows_ >= kRowsPerSegment || full) Flush();
}

bool SegmentWriter::CanMirror(const Schema& schema) {
  return std::none_of(schema.begin(), schema.end(), [](const ColumnDef& c) {
    std::string lower = c.name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return lower == "rowid" || lower == "oid" || lower == "_rowid_";
  });
}

std::vector<SegmentRef> SegmentWriter::Finish() {
  if (!abandoned_ && rows_ > 0) Flush();
  if (!abandoned_ && !written_.empty() && !store_.SyncDirectory()) Abandon();
  return abandoned_ ? std::vector<SegmentRef>() : written_;
}

void SegmentWriter::Abandon() {
  for (const auto& s : written_) std::filesystem::remove(store_.PathOf(s.file));
  written_.clear();
  std::vector<ColumnBuilder>().swap(builders_);
  abandoned_ = true;
}

void SegmentWriter::Flush() {
  const auto rows = static_cast<uint64_t>(rows_);
  // Lay the file out: header, directory, then each column's parts.
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.rows = rows;
  header.columns = builders_.size();
  std::vector<ColumnEntry> entries(builders_.size());
  uint64_t offset = sizeof header + entries.size() * sizeof(ColumnEntry);
  for (size_t c = 0; c < builders_.size(); ++c) {
    ColumnBuilder& b = builders_[c];
    b.Complete(rows_);
    ColumnEntry& e = entries[c];
    e.name_offset = offset;
    e.name_size = names_[c].size();
    offset = Align8(offset + e.name_size);
    e.uniform_kind = b.uniform_kind();
    if (!b.uniform()) {
      e.kinds_offset = offset;
      offset = Align8(offset + rows);
    }
    if (!b.numbers.empty()) {
      e.numbers_offset = offset;
      offset += rows * 8;
    }
    if (!b.ends.empty()) {
      e.ends_offset = offset;
      offset = Align8(offset + rows * 4);
    }
    e.heap_offset = offset;
    e.heap_size = b.heap.size();
    offset = Align8(offset + e.heap_size);
  }
  header.file_size = offset + sizeof kTrailer;

  std::string name = store_.NewFileName(zone_);
  int fd = ::open(store_.PathOf(name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Abandon();
  // Registered before the first write, so that Abandon removes a partial file too.
  written_.push_back({first_row_id_, rows_, name});
  bool ok = WriteAll(fd, &header, sizeof header) &&
            WriteAll(fd, entries.data(), entries.size() * sizeof(ColumnEntry));
  for (size_t c = 0; ok && c < builders_.size(); ++c) {
    const ColumnBuilder& b = builders_[c];
    ok = WriteAll(fd, names_[c].data(), names_[c].size()) && WritePadding(fd, names_[c].size());
    if (ok && !b.uniform()) ok = WriteAll(fd, b.kinds.data(), rows) && WritePadding(fd, rows);
    if (ok && !b.numbers.empty()) ok = WriteAll(fd, b.numbers.data(), rows * 8);
    if (ok && !b.ends.empty())
      ok = WriteAll(fd, b.ends.data(), rows * 4) && WritePadding(fd, rows * 4);
    if (ok) ok = WriteAll(fd, b.heap.data(), b.heap.size()) && WritePadding(fd, b.heap.size());
  }
  ok = ok && WriteAll(fd, kTrailer, sizeof kTrailer);
  // On disk before the commit that registers it: a power loss must not leave a
  // registered file whose blocks were never written.
  ok = ok && ::fdatasync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok) return Abandon();
  for (auto& b : builders_) b.Clear();
  rows_ = 0;
}

// --- the store --------------------------------------------------------------------------

Result<std::unique_ptr<SegmentStore>> SegmentStore::Open(std::string dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create the segment directory " + dir + ": " + ec.message());
  std::random_device random;
  uint64_t process = (uint64_t{random()} << 32) ^ random();
  return std::unique_ptr<SegmentStore>(new SegmentStore(std::move(dir), process));
}

Status SegmentStore::CreateRegistry(sqlite3* db) {
  return Exec(db, "CREATE TABLE IF NOT EXISTS " + std::string(kSegmentTable) +
                      " (dataset TEXT NOT NULL, first_row_id INTEGER NOT NULL, "
                      "rows INTEGER NOT NULL, file TEXT NOT NULL, "
                      "PRIMARY KEY (dataset, first_row_id)) WITHOUT ROWID");
}

Result<std::vector<std::string>> SegmentStore::RegisteredFiles(sqlite3* db) {
  ASSIGN_OR_RETURN(StmtPtr s, Prepare(db, "SELECT file FROM " + std::string(kSegmentTable)));
  std::vector<std::string> files;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) files.push_back(ColumnText(s.get(), 0));
  if (rc != SQLITE_DONE) return Error(db, "cannot list the segment files");
  return files;
}

void SegmentStore::Sweep(const std::vector<std::string>& registered) {
  std::set<std::string> keep(registered.begin(), registered.end());
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (!keep.contains(name)) std::filesystem::remove(entry.path(), ec);
  }
}

Result<std::vector<SegmentRef>> SegmentStore::List(sqlite3* db, const std::string& dataset) {
  ASSIGN_OR_RETURN(
      StmtPtr s, Prepare(db, "SELECT first_row_id, rows, file FROM " + std::string(kSegmentTable) +
                                 " WHERE dataset = ? ORDER BY first_row_id"));
  BindText(s.get(), 1, dataset);
  std::vector<SegmentRef> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    out.push_back({sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1),
                   ColumnText(s.get(), 2)});
  }
  if (rc != SQLITE_DONE) return Error(db, "cannot list the segments of " + dataset);
  return out;
}

Status SegmentStore::Register(sqlite3* db, const std::string& dataset,
                              const std::vector<SegmentRef>& segments) {
  ASSIGN_OR_RETURN(
      StmtPtr s, Prepare(db, "INSERT INTO " + std::string(kSegmentTable) + " VALUES (?, ?, ?, ?)"));
  for (const auto& seg : segments) {
    BindText(s.get(), 1, dataset);
    sqlite3_bind_int64(s.get(), 2, seg.first_row_id);
    sqlite3_bind_int64(s.get(), 3, seg.rows);
    BindText(s.get(), 4, seg.file);
    RETURN_IF_ERROR(StepDone(db, s.get()));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SegmentStore::Unregister(sqlite3* db, const std::string& dataset) {
  ASSIGN_OR_RETURN(auto segments, List(db, dataset));
  ASSIGN_OR_RETURN(StmtPtr del,
                   Prepare(db, "DELETE FROM " + std::string(kSegmentTable) + " WHERE dataset = ?"));
  BindText(del.get(), 1, dataset);
  RETURN_IF_ERROR(StepDone(db, del.get()));
  std::vector<std::string> files;
  for (auto& s : segments) files.push_back(std::move(s.file));
  return files;
}

void SegmentStore::Remove(const std::vector<std::string>& files) {
  if (files.empty()) return;
  std::unique_lock lock(files_mu_);
  std::error_code ec;
  for (const auto& f : files) std::filesystem::remove(PathOf(f), ec);
}

Result<std::vector<SegmentStore::Mapped>> SegmentStore::MapRange(sqlite3* reader,
                                                                 std::string_view schema,
                                                                 const std::string& dataset,
                                                                 int64_t from, int64_t to) {
  std::shared_lock lock(files_mu_);
  ASSIGN_OR_RETURN(StmtPtr s,
                   Prepare(reader, "SELECT first_row_id, rows, file FROM " + std::string(schema) +
                                       "." + std::string(kSegmentTable) +
                                       " WHERE dataset = ? AND first_row_id <= ? AND "
                                       "first_row_id + rows > ? ORDER BY first_row_id"));
  BindText(s.get(), 1, dataset);
  sqlite3_bind_int64(s.get(), 2, to);
  sqlite3_bind_int64(s.get(), 3, from);
  std::vector<Mapped> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    Mapped m;
    m.ref = {sqlite3_column_int64(s.get(), 0), sqlite3_column_int64(s.get(), 1),
             ColumnText(s.get(), 2)};
    auto file = SegmentFile::Map(PathOf(m.ref.file), m.ref.rows);
    if (file.ok()) m.file = std::move(*file);
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return Error(reader, "cannot list the segments of " + dataset);
  return out;
}

bool SegmentStore::SyncDirectory() const {
  int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

std::string SegmentStore::NewFileName(Zone zone) {
  char name[64];
  std::snprintf(name, sizeof name, "%016llx-%llu.seg", static_cast<unsigned long long>(process_),
                static_cast<unsigned long long>(next_file_.fetch_add(1)));
  return std::string(ZoneName(zone)) + "-" + name;
}

}  // namespace citydata::storage::sqlite
