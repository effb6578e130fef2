#include "quality/lookup_rules.h"

#include <algorithm>
#include <unordered_map>

#include "quality/rule_params.h"
#include "quality/scan.h"
#include "quality/text_set.h"

namespace citydata::quality {
namespace {

Status CheckColumns(storage::Engine& engine, const DatasetName& dataset,
                    const std::vector<std::string>& columns) {
  ASSIGN_OR_RETURN(auto schema, engine.GetSchema(dataset));
  if (!schema) return NotFound("dataset " + dataset.ToString() + " does not exist");
  for (const auto& name : columns) {
    bool known = std::any_of(schema->begin(), schema->end(),
                             [&](const ColumnDef& c) { return c.name == name; });
    if (!known) return NotFound("column '" + name + "' is not in " + dataset.ToString());
  }
  return Status::Ok();
}

class ReferenceCheck final : public RowCheck {
 public:
  ReferenceCheck(int slot, FlatTextSet values) : RowCheck({slot}), values_(std::move(values)) {}

  Verdict Check(std::span<const Cell> row, RowScratch&, std::string_view&) const override {
    const Cell& cell = row[static_cast<size_t>(slots().front())];
    if (cell.null || cell.text.empty()) return Verdict::kPass;
    return values_.contains(cell.text) ? Verdict::kPass : Verdict::kFail;
  }

 private:
  FlatTextSet values_;
};

// The compared values of one row of the other dataset; "" stands for NULL too.
using Tuple = std::vector<std::string>;

using TupleMap = std::unordered_map<std::string, std::vector<Tuple>, TextHash, std::equal_to<>>;

class ConsistencyCheck final : public RowCheck {
 public:
  ConsistencyCheck(std::vector<int> slots, TupleMap other, bool require_match)
      : RowCheck(std::move(slots)), other_(std::move(other)), require_match_(require_match) {}

  Verdict Check(std::span<const Cell> row, RowScratch&, std::string_view& detail) const override {
    const Cell& key = row[static_cast<size_t>(slots().front())];
    if (key.null || key.text.empty()) return Verdict::kPass;
    auto it = other_.find(key.text);
    if (it == other_.end()) {
      if (!require_match_) return Verdict::kPass;
      detail = "missing_in_other";
      return Verdict::kFail;
    }
    for (const Tuple& tuple : it->second) {
      if (Matches(row, tuple)) return Verdict::kPass;
    }
    detail = "mismatch";
    return Verdict::kFail;
  }

 private:
  bool Matches(std::span<const Cell> row, const Tuple& tuple) const {
    for (size_t i = 0; i < tuple.size(); ++i) {
      const Cell& cell = row[static_cast<size_t>(slots()[i + 1])];
      std::string_view mine = cell.null ? std::string_view() : cell.text;
      if (mine != tuple[i]) return false;
    }
    return true;
  }

  TupleMap other_;
  bool require_match_;
};

}  // namespace

Result<std::unique_ptr<RowCheck>> CompileReferenceCheck(const Rule& rule, const RowCheckEnv& env,
                                                        storage::Engine& engine) {
  ASSIGN_OR_RETURN(ColumnRef ref, ParseColumnRef(rule.params["ref"].get<std::string>()));
  RETURN_IF_ERROR(CheckColumns(engine, ref.dataset, {ref.column}));
  FlatTextSet values;
  RETURN_IF_ERROR(ParallelScan(engine, ref.dataset, {ref.column}, 1,
                               [&](int, int64_t, std::span<const Cell> cells) {
                                 if (!cells[0].null) values.Insert(cells[0].text);
                               }));
  return std::unique_ptr<RowCheck>(
      std::make_unique<ReferenceCheck>(env.slot(rule.columns.front()), std::move(values)));
}

Result<std::unique_ptr<RowCheck>> CompileConsistencyCheck(const Rule& rule, const RowCheckEnv& env,
                                                          storage::Engine& engine) {
  ConsistencySpec spec = GetConsistencySpec(rule);
  std::vector<std::string> other_columns = {spec.other_key};
  std::vector<int> slots = {env.slot(spec.key)};
  for (const auto& [mine, theirs] : spec.compare) {
    other_columns.push_back(theirs);
    slots.push_back(env.slot(mine));
  }
  RETURN_IF_ERROR(CheckColumns(engine, spec.other, other_columns));
  TupleMap other;
  RETURN_IF_ERROR(ParallelScan(
      engine, spec.other, other_columns, 1, [&](int, int64_t, std::span<const Cell> cells) {
        if (cells[0].null || cells[0].text.empty()) return;
        Tuple tuple;
        for (size_t i = 1; i < cells.size(); ++i) {
          tuple.emplace_back(cells[i].null ? std::string_view() : cells[i].text);
        }
        other[std::string(cells[0].text)].push_back(std::move(tuple));
      }));
  return std::unique_ptr<RowCheck>(
      std::make_unique<ConsistencyCheck>(std::move(slots), std::move(other), spec.require_match));
}

}  // namespace citydata::quality
