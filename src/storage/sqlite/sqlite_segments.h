// Column segments: a columnar mirror of a dataset's rows, for bulk scans.
//
// SQLite keeps rows together, so a scan pays for every cell of every row through the
// VDBE (about 1 M rows per CPU second for a dozen columns). The engine's write paths
// therefore also write each committed batch, column by column, into immutable segment
// files (DIR/segments/*.seg, up to kRowsPerSegment rows each), and
// Engine::ScanPartBlocks reads those instead of the table: blocks of rows straight from
// memory-mapped arrays.
//
// The mirror is exact and never more than a cache:
//   - Each zone file registers its segments in kSegmentTable (dataset, first row id,
//     rows, file) inside the same transaction that writes the rows, so a crash leaves
//     both or neither. Files written for a rolled-back or crashed write are removed by
//     the next Open's sweep.
//   - Invariant: a dataset either has no segments, or its segments hold exactly its
//     rows (row ids first_row_id .. first_row_id + rows - 1). Every write path keeps
//     that: appends mirror their rows or, when they cannot, unregister the dataset's
//     segments in the same transaction.
//   - A value is mirrored only as SQLite stores it: a value SQLite would convert on
//     insert (its column affinity, e.g. the text '12' into an INTEGER column) is not
//     mirrored; the write goes on, unmirrored.
//   - A file that is missing, malformed or inconsistent is not trusted: the scan reads
//     those rows from the table instead.
// Files are removed only after the commit that unregistered them, under an exclusive
// lock that scans hold shared while they list and map segments, so a scan never loses
// a file it listed.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "storage/engine.h"
#include "storage/sqlite/sqlite_util.h"

namespace citydata::storage::sqlite {

// The registry table in every zone file (engine-internal: user SQL cannot read it).
inline constexpr std::string_view kSegmentTable = "_citydata_segments";

// A registered segment: rows with ids first_row_id .. first_row_id + rows - 1.
struct SegmentRef {
  int64_t first_row_id = 0;
  int64_t rows = 0;
  std::string file;  // name within the segment directory
};

// A segment file mapped into memory and checked. Immutable; thread-safe.
class SegmentFile {
 public:
  // Maps `path` and checks its structure and that it holds `rows` rows; an error when
  // it is missing or malformed.
  static Result<std::shared_ptr<const SegmentFile>> Map(const std::string& path, int64_t rows);
  ~SegmentFile();
  SegmentFile(const SegmentFile&) = delete;
  SegmentFile& operator=(const SegmentFile&) = delete;

  // The index of the column named `name`, or -1.
  int ColumnIndex(std::string_view name) const;
  // Fills out[0 .. end - begin) with rows [begin, end) of column `column`; texts point
  // into the mapping, valid while this file lives. False when the file's data for those
  // rows is inconsistent (the caller reads them elsewhere).
  // REQUIRES: begin <= end <= rows, column is a ColumnIndex.
  bool Read(size_t column, size_t begin, size_t end, CellView* out) const;

 private:
  // A column's parts inside the mapping; nullptr for an absent part.
  struct Column {
    std::string_view name;
    const uint8_t* kinds = nullptr;
    const int64_t* numbers = nullptr;
    const uint32_t* ends = nullptr;
    const char* heap = nullptr;
    uint64_t heap_size = 0;
    uint8_t uniform_kind = 0;
  };
  SegmentFile(const char* data, size_t size) : data_(data), size_(size) {}
  Status Parse(int64_t rows);

  const char* data_;
  size_t size_;
  size_t rows_ = 0;
  std::vector<Column> columns_;
};

class SegmentStore;

// Mirrors the rows of one write into new segment files. Used by one thread.
class SegmentWriter {
 public:
  static constexpr int64_t kRowsPerSegment = int64_t{1} << 17;

  // False when rows of a table with `schema` cannot be mirrored: a column named rowid,
  // oid or _rowid_ hides the row id that segments are addressed by.
  static bool CanMirror(const Schema& schema);

  // `schema` is the dataset's stored schema (its types decide SQLite's conversions).
  // REQUIRES: CanMirror(schema).
  SegmentWriter(SegmentStore& store, Zone zone, const Schema& schema);
  // Removes the files written unless Keep() was called.
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // Mirrors a row the table stored with id `row_id`. When the row cannot be mirrored
  // exactly (a value SQLite converts, a row id out of sequence, a file that cannot be
  // written), the writer is abandoned: it removes its files and ignores later rows.
  void Append(int64_t row_id, const std::vector<Value>& row);
  bool abandoned() const { return abandoned_; }
  // Writes the pending rows and returns every segment written, in row order, durable on
  // disk (empty when abandoned or no row was appended; the writer may be abandoned by
  // this call).
  std::vector<SegmentRef> Finish();
  // The files now belong to the registry (their write committed).
  void Keep() { written_.clear(); }

 private:
  struct ColumnBuilder;
  void Flush();
  void Abandon();

  SegmentStore& store_;
  Zone zone_;
  std::vector<ColumnBuilder> builders_;
  std::vector<std::string> names_;
  int64_t first_row_id_ = 0;
  int64_t rows_ = 0;  // pending
  bool abandoned_ = false;
  std::vector<SegmentRef> written_;
};

// The segment directory and the registry statements. Thread-safe.
class SegmentStore {
 public:
  // `dir` is created when absent.
  static Result<std::unique_ptr<SegmentStore>> Open(std::string dir);

  // Creates the registry table in `db`'s main schema (a zone's writing connection).
  static Status CreateRegistry(sqlite3* db);
  // Every file `db`'s registry lists (a zone's connection, main schema).
  static Result<std::vector<std::string>> RegisteredFiles(sqlite3* db);
  // Removes files that no registry lists; `registered` are every zone's files.
  void Sweep(const std::vector<std::string>& registered);

  // --- inside a write transaction on a zone's connection (main schema) ---
  // The dataset's segments, in row order.
  static Result<std::vector<SegmentRef>> List(sqlite3* db, const std::string& dataset);
  static Status Register(sqlite3* db, const std::string& dataset,
                         const std::vector<SegmentRef>& segments);
  // Unregisters every segment of `dataset`; their files, to pass to Remove once the
  // transaction committed.
  static Result<std::vector<std::string>> Unregister(sqlite3* db, const std::string& dataset);

  // After a commit that unregistered `files`: deletes them once no scan is listing.
  void Remove(const std::vector<std::string>& files);

  // A segment of a scan: the file, or nullptr when it could not be trusted.
  struct Mapped {
    SegmentRef ref;
    std::shared_ptr<const SegmentFile> file;
  };
  // The segments of `dataset` in `schema` (a zone attached to `reader`) that hold row ids
  // in [from, to], in row order, mapped.
  Result<std::vector<Mapped>> MapRange(sqlite3* reader, std::string_view schema,
                                       const std::string& dataset, int64_t from, int64_t to);

  // Makes the directory's entries durable (new files' names); false on failure.
  bool SyncDirectory() const;

  // A new file name in the directory for `zone`, and its path.
  std::string NewFileName(Zone zone);
  std::string PathOf(const std::string& file) const { return dir_ + "/" + file; }

 private:
  SegmentStore(std::string dir, uint64_t process) : dir_(std::move(dir)), process_(process) {}

  const std::string dir_;
  const uint64_t process_;  // random, part of every file name this process writes
  std::atomic<uint64_t> next_file_{0};
  // Shared while a scan lists and maps segments; exclusive while files are removed.
  std::shared_mutex files_mu_;
};

}  // namespace citydata::storage::sqlite
