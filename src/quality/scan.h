// Parallel partitioned scans with cells decoded once per row.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "quality/cell.h"
#include "storage/engine.h"

namespace citydata::quality {

// Room for the text form of a number or boolean.
using CellBuffer = std::array<char, 32>;

// `value` as a Cell; numbers and booleans are rendered into `buffer`, strings are
// viewed in place. The cell is valid while `value` and `buffer` are.
Cell DecodeCell(const Value& value, CellBuffer& buffer);

// Called for every block of rows of part `part`, in row order, from that part's thread
// only.
using BlockVisitor = std::function<void(int part, const CellBlock& block)>;

// Scans `columns` of `dataset` as `parts` parts with Engine::ScanPartBlocks, one thread
// each (the calling thread takes part 0), decoding each engine block column by column;
// text cells view the engine's buffers. Returns the first error any part hit.
// REQUIRES: parts >= 1 and columns is not empty.
Status ParallelScanBlocks(storage::Engine& engine, const DatasetName& dataset,
                          const std::vector<std::string>& columns, int parts,
                          const BlockVisitor& visit);

// Called for every row of part `part` with the row id and one cell per requested
// column, from that part's thread only.
using RowVisitor = std::function<void(int part, int64_t row_id, std::span<const Cell> cells)>;

// ParallelScanBlocks, row by row.
Status ParallelScan(storage::Engine& engine, const DatasetName& dataset,
                    const std::vector<std::string>& columns, int parts, const RowVisitor& visit);

// Called for each row FetchRows read, with its id and one cell per requested column.
using FetchVisitor = std::function<void(int64_t row_id, std::span<const Cell> cells)>;

// Reads `columns` of the rows of `dataset` whose ids are `row_ids` (distinct), in no
// particular order, through Engine::Query with the ids in the statement: point reads
// instead of a full scan when a few rows are needed. The SQL addresses rows by SQLite's
// rowid (what ScanPart reports as _row_id for the SQLite engine); with an engine
// where that fails or returns other rows, the result is an error and the caller
// scans instead. Rows may have been visited before an error.
Status FetchRows(storage::Engine& engine, const DatasetName& dataset,
                 const std::vector<std::string>& columns, std::span<const int64_t> row_ids,
                 const FetchVisitor& visit);

}  // namespace citydata::quality
