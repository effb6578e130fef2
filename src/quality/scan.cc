#include "quality/scan.h"

#include <algorithm>
#include <charconv>
#include <thread>

namespace citydata::quality {
namespace {

// `view` as a Cell: text is viewed in place; numbers are kept in `number` (so that
// Cell::value can point at them) and rendered into `buffer`.
Cell DecodeView(const storage::CellView& view, Value& number, CellBuffer& buffer) {
  using Kind = storage::CellView::Kind;
  Cell cell;
  switch (view.kind) {
    case Kind::kNull:
      return cell;
    case Kind::kText:
      cell.null = false;
      cell.text = view.text;
      return cell;
    case Kind::kInteger:
      number = view.integer;
      break;
    case Kind::kReal:
      number = view.real;
      break;
  }
  return DecodeCell(number, buffer);
}

Status ScanOnePart(storage::Engine& engine, const DatasetName& dataset,
                   const std::vector<std::string>& columns, int part, int parts,
                   const BlockVisitor& visit) {
  const size_t n = columns.size();
  std::vector<Cell> cells;
  std::vector<Value> numbers;
  std::vector<CellBuffer> buffers;
  return engine.ScanPartBlocks(dataset, columns, part, parts, [&](const storage::ScanBlock& block) {
    const size_t rows = block.rows();
    if (cells.size() < rows * n) {
      cells.resize(rows * n);
      numbers.resize(rows * n);
      buffers.resize(rows * n);
    }
    // Local pointers: through the captured vectors the compiler would reload their data
    // pointers for every cell, as a cell store might alias them.
    Cell* const out = cells.data();
    Value* const number = numbers.data();
    CellBuffer* const buffer = buffers.data();
    for (size_t c = 0; c < n; ++c) {
      const storage::CellView* column = block.column(c).data();
      for (size_t r = 0, i = c; r < rows; ++r, i += n) {
        const storage::CellView& view = column[r];
        if (view.kind == storage::CellView::Kind::kText) {
          out[i].null = false;
          out[i].text = view.text;
          out[i].value = nullptr;
        } else {
          out[i] = DecodeView(view, number[i], buffer[i]);
        }
      }
    }
    visit(part, CellBlock(block.row_ids(), std::span<const Cell>(cells.data(), rows * n), n));
    return Status::Ok();
  });
}

std::string QuoteName(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// SELECT rowid, columns... FROM dataset WHERE rowid IN (ids).
std::string FetchSql(const DatasetName& dataset, const std::vector<std::string>& columns,
                     std::span<const int64_t> ids) {
  std::string sql = "SELECT rowid";
  for (const auto& c : columns) sql += ", " + QuoteName(c);
  sql += " FROM " + std::string(ZoneName(dataset.zone)) + "." + QuoteName(dataset.name) +
         " WHERE rowid IN (";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) sql += ',';
    sql += std::to_string(ids[i]);
  }
  return sql + ")";
}

Status FetchChunk(storage::Engine& engine, const DatasetName& dataset,
                  const std::vector<std::string>& columns, std::span<const int64_t> ids,
                  const FetchVisitor& visit) {
  storage::QueryLimits limits;
  limits.max_rows = static_cast<int64_t>(ids.size()) + 1;
  limits.timeout = std::chrono::minutes(10);
  ASSIGN_OR_RETURN(auto cursor, engine.Query(FetchSql(dataset, columns, ids), limits));
  std::vector<int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<Value> row;
  std::vector<Cell> cells(columns.size());
  std::vector<CellBuffer> buffers(columns.size());
  size_t seen = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) break;
    const auto* id = row.empty() ? nullptr : std::get_if<int64_t>(&row[0]);
    if (row.size() != columns.size() + 1 || id == nullptr ||
        !std::binary_search(sorted.begin(), sorted.end(), *id)) {
      return Internal("rows of " + dataset.ToString() + " cannot be read by id");
    }
    for (size_t c = 0; c < columns.size(); ++c) cells[c] = DecodeCell(row[c + 1], buffers[c]);
    visit(*id, cells);
    ++seen;
  }
  if (seen != ids.size())
    return Internal("rows of " + dataset.ToString() + " cannot be read by id");
  return Status::Ok();
}

}  // namespace

Status FetchRows(storage::Engine& engine, const DatasetName& dataset,
                 const std::vector<std::string>& columns, std::span<const int64_t> row_ids,
                 const FetchVisitor& visit) {
  constexpr size_t kIdsPerQuery = 1000;
  for (size_t i = 0; i < row_ids.size(); i += kIdsPerQuery) {
    RETURN_IF_ERROR(FetchChunk(engine, dataset, columns,
                               row_ids.subspan(i, std::min(kIdsPerQuery, row_ids.size() - i)),
                               visit));
  }
  return Status::Ok();
}

Cell DecodeCell(const Value& value, CellBuffer& buffer) {
  Cell cell;
  if (IsNull(value)) return cell;
  cell.null = false;
  cell.value = &value;
  if (const auto* s = std::get_if<std::string>(&value)) {
    cell.text = *s;
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), *i).ptr;
    cell.text = std::string_view(buffer.data(), static_cast<size_t>(end - buffer.data()));
  } else if (const auto* d = std::get_if<double>(&value)) {
    auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), *d).ptr;
    cell.text = std::string_view(buffer.data(), static_cast<size_t>(end - buffer.data()));
  } else {
    cell.text = std::get<bool>(value) ? "true" : "false";
  }
  return cell;
}

Status ParallelScanBlocks(storage::Engine& engine, const DatasetName& dataset,
                          const std::vector<std::string>& columns, int parts,
                          const BlockVisitor& visit) {
  std::vector<Status> statuses(static_cast<size_t>(parts));
  std::vector<std::thread> threads;
  for (int part = 1; part < parts; ++part) {
    threads.emplace_back([&, part] {
      statuses[static_cast<size_t>(part)] =
          ScanOnePart(engine, dataset, columns, part, parts, visit);
    });
  }
  statuses[0] = ScanOnePart(engine, dataset, columns, 0, parts, visit);
  for (auto& t : threads) t.join();
  for (auto& s : statuses) RETURN_IF_ERROR(s);
  return Status::Ok();
}

Status ParallelScan(storage::Engine& engine, const DatasetName& dataset,
                    const std::vector<std::string>& columns, int parts, const RowVisitor& visit) {
  return ParallelScanBlocks(engine, dataset, columns, parts, [&](int part, const CellBlock& block) {
    for (size_t r = 0; r < block.rows(); ++r) visit(part, block.row_id(r), block.row(r));
  });
}

}  // namespace citydata::quality
