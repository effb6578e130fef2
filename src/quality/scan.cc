#include "quality/scan.h"

#include <charconv>
#include <thread>

namespace citydata::quality {
namespace {

Status ScanOnePart(storage::Engine& engine, const DatasetName& dataset,
                   const std::vector<std::string>& columns, int part, int parts,
                   const RowVisitor& visit) {
  ASSIGN_OR_RETURN(auto cursor, engine.ScanPart(dataset, columns, part, parts));
  std::vector<Value> row;
  std::vector<Cell> cells(columns.size());
  std::vector<CellBuffer> buffers(columns.size());
  while (true) {
    ASSIGN_OR_RETURN(bool more, cursor->Next(row));
    if (!more) return Status::Ok();
    for (size_t i = 0; i < cells.size(); ++i) cells[i] = DecodeCell(row[i + 1], buffers[i]);
    const auto* id = std::get_if<int64_t>(&row[0]);
    visit(part, id ? *id : -1, cells);
  }
}

}  // namespace

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

Status ParallelScan(storage::Engine& engine, const DatasetName& dataset,
                    const std::vector<std::string>& columns, int parts, const RowVisitor& visit) {
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

}  // namespace citydata::quality
