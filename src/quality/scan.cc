#include "quality/scan.h"

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
                   const RowVisitor& visit) {
  std::vector<Cell> cells(columns.size());
  std::vector<Value> numbers(columns.size());
  std::vector<CellBuffer> buffers(columns.size());
  return engine.ScanPartBlocks(
      dataset, columns, part, parts, [&](const storage::ScanBlock& block) {
        for (size_t r = 0; r < block.rows(); ++r) {
          for (size_t c = 0; c < cells.size(); ++c)
            cells[c] = DecodeView(block.cell(r, c), numbers[c], buffers[c]);
          visit(part, block.row_id(r), cells);
        }
        return Status::Ok();
      });
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
