// The data engine interface: where dataset rows live.
//
// Everything above storage/ talks to datasets only through this interface, in
// citydata's own vocabulary (DatasetName, Schema, Value). The embedded SQLite engine
// is the default; a ClickHouse cluster engine implements the same interface, so no
// engine type, dialect detail or file layout may appear in these declarations.
//
// Thread safety: an Engine is safe to use from many threads. Writers, cursors and
// their rows are used by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace citydata::storage {

// A dataset a query read, and the columns of it the query used.
struct DatasetRead {
  DatasetName dataset;
  std::vector<std::string> columns;  // sorted; empty when only rows were counted
};

// A forward-only stream of result rows.
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  // What the statement reads, as the engine resolved it (for the audit trail); empty
  // for the engine's own scans.
  virtual std::vector<DatasetRead> reads() const { return {}; }
  virtual const std::vector<std::string>& column_names() const = 0;
  // Fills `row` with the next row's values; returns false after the last row. A
  // time-limit or row-limit hit is an error (DeadlineExceeded) or, for the row cap,
  // the end of the stream with truncated() true.
  virtual Result<bool> Next(std::vector<Value>& row) = 0;
  // True when the stream ended because the row cap was reached.
  virtual bool truncated() const = 0;
};

// One value of a scanned block, borrowed from the engine: the value as the engine
// stores it (a boolean may arrive as the integer 0 or 1, a date as text).
struct CellView {
  enum class Kind : uint8_t { kNull, kInteger, kReal, kText };
  Kind kind = Kind::kNull;
  int64_t integer = 0;    // when kInteger
  double real = 0;        // when kReal
  std::string_view text;  // when kText; points into the engine's buffers
};

// Rows of a scan delivered together, column-major: column(c)[r] is the value of
// requested column c in row r. The engine chooses the block size (SQLite: one row, read
// in place; a columnar engine: its native block). A block, its spans and every
// CellView::text in it are valid only during the visitor call that receives it: copy
// what must outlive the call.
class ScanBlock {
 public:
  // REQUIRES: cells.size() == row_ids.size() * columns.
  ScanBlock(std::span<const int64_t> row_ids, std::span<const CellView> cells, size_t columns)
      : row_ids_(row_ids), cells_(cells), columns_(columns) {}

  size_t rows() const { return row_ids_.size(); }
  size_t columns() const { return columns_; }
  // The row's id, as in ScanPart's "_row_id".
  int64_t row_id(size_t row) const { return row_ids_[row]; }
  std::span<const int64_t> row_ids() const { return row_ids_; }
  std::span<const CellView> column(size_t column) const {
    return cells_.subspan(column * rows(), rows());
  }
  const CellView& cell(size_t row, size_t column) const { return cells_[column * rows() + row]; }

 private:
  std::span<const int64_t> row_ids_;
  std::span<const CellView> cells_;
  size_t columns_;
};

// Receives the blocks of a scan in row-id order, on the scanning thread. A non-OK
// return stops the scan, which then returns that status.
using BlockVisitor = std::function<Status(const ScanBlock& block)>;

enum class WriteMode {
  kAppend,   // add rows to the dataset, creating it if absent
  kReplace,  // the dataset's content (and schema) become exactly the written rows
};

// An open atomic write into one dataset. Rows appended are invisible to readers until
// Commit() returns OK; destroying the writer without committing discards them, and a
// crash at any point leaves the dataset as it was before the write began.
class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  // `row` has one value per column of the schema given to BeginWrite, in order.
  virtual Status Append(const std::vector<Value>& row) = 0;
  // Makes the rows visible atomically, together with the batch id (if any).
  virtual Status Commit() = 0;
};

struct TableStats {
  int64_t row_count = 0;
  int64_t bytes = 0;  // storage footprint, an estimate where the engine cannot tell exactly
};

// A reader's view of the data, for queries by readers who may not see everything:
// only the listed datasets and columns exist for the query, and a column with a
// transform is seen only through it. The query runs against the transformed values
// (filters, joins, grouping and functions all see them), so no SQL over the view can
// recover a value the transform hides.
struct ColumnView {
  std::string name;
  // "" shows the stored value; otherwise a spec the engine's TransformCompiler
  // understands (e.g. "mask:id_card"), applied to every value of the column.
  std::string transform;
  // Whether the transform gives the same output for the same value every time; an
  // engine may then keep transformed values (e.g. a materialized copy) and show them
  // again. False for randomized ones (encryption with a fresh nonce).
  bool deterministic = true;
};
struct DatasetView {
  DatasetName dataset;
  std::vector<ColumnView> columns;  // the visible columns, in the order the reader sees them
};
// Resolves the datasets a scoped query names: the reader's view of the dataset, or
// nullopt when the reader may not read it (or it does not exist; the reader is not
// told which). Called once per dataset the query names, on the querying thread.
using ScopeResolver = std::function<Result<std::optional<DatasetView>>(const DatasetName&)>;
struct ReadScope {
  ScopeResolver resolve;
};

// Maps a value as stored (text form; nullopt for NULL) to what a reader sees.
using ValueTransform =
    std::function<std::optional<std::string>(std::optional<std::string_view> value)>;
// Compiles a ColumnView::transform spec once per query; InvalidArgument for a bad spec.
using TransformCompiler = std::function<Result<ValueTransform>(std::string_view spec)>;

// Values for the named parameters (`:name`) of a statement, by name without the colon.
// They are bound to the prepared statement, never spliced into its text.
using QueryParams = std::map<std::string, Value, std::less<>>;

// `name` as a quoted SQL identifier ("a""b"), for statements built from column names.
inline std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

struct QueryLimits {
  std::chrono::milliseconds timeout{30000};
  int64_t max_rows = 100000;  // the cursor stops there and reports truncated()
};

class Engine {
 public:
  virtual ~Engine() = default;

  virtual std::string_view name() const = 0;

  // The dataset's schema as stored, or nullopt when the dataset has no table.
  virtual Result<std::optional<Schema>> GetSchema(const DatasetName& dataset) = 0;

  // Begins an atomic write. kAppend creates the dataset with `schema` if absent; when it
  // exists, `schema` must be its stored schema (the caller converts rows to it).
  // kReplace swaps in `schema` and the new rows on commit. With a non-empty
  // `batch_id` the commit also records the id, and the write fails with
  // AlreadyExists if that id was already committed for the dataset: re-sending a batch
  // never duplicates rows. Writes to the same dataset are serialized; the call waits.
  virtual Result<std::unique_ptr<BatchWriter>> BeginWrite(const DatasetName& dataset,
                                                          const Schema& schema, WriteMode mode,
                                                          const std::string& batch_id) = 0;

  // Moves every row of `from` into `to` (same zone, same schema; `to` is created with
  // that schema if absent, or replaced by `from`'s rows under kReplace) and drops `from`,
  // in one atomic step that also records `batch_id` (if any) for `to`, failing with
  // AlreadyExists like BeginWrite when it was already committed. Used to publish a batch
  // held in quarantine. Names starting with "_" are engine-internal: user SQL cannot
  // read them, so a staged batch stays invisible until it is moved.
  virtual Status MoveRows(const DatasetName& from, const DatasetName& to, WriteMode mode,
                          const std::string& batch_id) = 0;

  // True when `batch_id` was committed for `dataset`.
  virtual Result<bool> HasBatch(const DatasetName& dataset, const std::string& batch_id) = 0;

  // Reads the dataset's rows (all columns, storage order) from `offset`, at most `limit`.
  virtual Result<std::unique_ptr<RowCursor>> Scan(const DatasetName& dataset, int64_t offset,
                                                  int64_t limit) = 0;

  // Reads `columns` (all when empty) of part `part` (0-based) of `parts` roughly equal
  // row ranges, so that several threads can scan one dataset at once. Every row starts
  // with the row's id (an int64 named "_row_id", stable until the dataset is replaced),
  // followed by the requested columns. NotFound for an unknown dataset or column.
  virtual Result<std::unique_ptr<RowCursor>> ScanPart(const DatasetName& dataset,
                                                      const std::vector<std::string>& columns,
                                                      int part, int parts) = 0;

  // The zero-copy form of ScanPart for bulk readers (quality rules, profiling): the same
  // part of the same rows, delivered in blocks of borrowed values without building a
  // Value per cell. Block columns are `columns` (all, in storage order, when empty); the
  // row id is ScanBlock::row_id, not a column. Returns OK after the last block, the
  // visitor's first non-OK status, or the errors of ScanPart before any block.
  virtual Status ScanPartBlocks(const DatasetName& dataset, const std::vector<std::string>& columns,
                                int part, int parts, const BlockVisitor& visit) = 0;

  // Runs one read-only SQL statement over all zones (`zone.name` refers to a dataset).
  // Anything that is not a single read-only query (writes, DDL, ATTACH, PRAGMA, several
  // statements, access to engine-internal tables) fails with PermissionDenied or
  // InvalidArgument before it runs; this is enforced inside the engine, not by
  // inspecting the text. Syntax errors are InvalidArgument with the engine's message.
  // With a `scope`, the query sees only what the scope shows (see ReadScope); naming a
  // dataset outside it is PermissionDenied. Without one it sees every dataset as stored.
  // `params` gives the values of the statement's `:name` parameters: a parameter that is
  // unnamed (`?`, `?3`) or has no value is InvalidArgument; values the statement does
  // not use are ignored.
  virtual Result<std::unique_ptr<RowCursor>> Query(std::string_view sql, const QueryLimits& limits,
                                                   const ReadScope* scope = nullptr,
                                                   const QueryParams& params = {}) = 0;
  // Sets how ColumnView transforms are compiled. Call it before the first scoped query
  // (scoped queries with transforms fail until then), and again whenever a spec would
  // now compile to a transform giving other values (e.g. new keys): queries prepared
  // from then on see none of the old one's values, whatever the engine kept of them
  // (cursors already open finish with the transforms they started with).
  virtual void SetTransformCompiler(TransformCompiler compiler) = 0;

  virtual Result<TableStats> Stats(const DatasetName& dataset) = 0;

  // Removes the dataset and its batch ids. OK when it did not exist.
  virtual Status DropDataset(const DatasetName& dataset) = 0;

  // Verifies on-disk consistency (e.g. after a crash); Internal with details if broken.
  virtual Status CheckIntegrity() = 0;
};

}  // namespace citydata::storage
