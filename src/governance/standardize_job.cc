// StandardsService::Standardize: raw → std, as one job.
#include "catalog/catalog_json.h"
#include "catalog/profiler.h"
#include "core/clock.h"
#include "core/json_util.h"
#include "formats/type_inference.h"
#include "governance/standards_service.h"
#include "standards/standardize.h"

namespace citydata::governance {
namespace {

using standards::DataElement;
using standards::FindDataElement;
using standards::Standardizer;
using standards::StdOutcome;
using standards::ToHalfWidth;
using standards::Trim;

constexpr double kAutoAcceptConfidence = 0.8;
constexpr int64_t kMaxStoredFailures = 100000;
constexpr size_t kFailureFlushRows = 1000;

std::string ValueText(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return DumpJson(catalog::ValueToJson(v));
}

// How one source column becomes one target column.
struct ColumnPlan {
  ColumnDef target;
  std::optional<Standardizer> standardizer;  // set for mapped columns
  bool clean_text = false;                   // unmapped text: trim and fold widths
};

}  // namespace

class StandardsService::Run {
 public:
  Run(StandardsService& svc, DatasetName source, DatasetName target) : svc_(svc) {
    result_.source = std::move(source);
    result_.target = std::move(target);
  }

  Result<StandardizeResult> Execute() {
    RETURN_IF_ERROR(Plan());
    job_.id = NewId("job_");
    job_.kind = "standardize";
    job_.dataset = result_.target;
    job_.started_at = NowIso();
    result_.job_id = job_.id;
    RETURN_IF_ERROR(svc_.meta_.PutJob(job_));
    Status st = Write();
    if (st.ok()) st = Catalog();
    job_.finished_at = NowIso();
    job_.state = st.ok() ? storage::JobState::kSucceeded : storage::JobState::kFailed;
    job_.error = st.ok() ? "" : st.message();
    job_.details_json = DumpJson(ToJson(result_));
    RETURN_IF_ERROR(svc_.meta_.PutJob(job_));
    RETURN_IF_ERROR(st);
    return result_;
  }

 private:
  Result<std::vector<storage::ColumnMappingRecord>> ChooseMapping() {
    ASSIGN_OR_RETURN(auto stored, svc_.Mapping(result_.source));
    result_.mapping = "stored";
    if (!stored.empty()) return stored;
    result_.mapping = "suggested";
    ASSIGN_OR_RETURN(auto suggested, svc_.SuggestMapping(result_.source));
    std::erase_if(suggested, [](const auto& m) { return m.confidence < kAutoAcceptConfidence; });
    return suggested;
  }

  Status Plan() {
    if (result_.target.zone != Zone::kStd) {
      return InvalidArgument("standardized data belongs in the std zone: use --to std.<name>");
    }
    ASSIGN_OR_RETURN(source_meta_, svc_.catalog_.Get(result_.source));
    ASSIGN_OR_RETURN(auto schema, svc_.engine_.GetSchema(result_.source));
    if (!schema) return NotFound("dataset " + result_.source.ToString() + " has no data");
    ASSIGN_OR_RETURN(auto mapping, ChooseMapping());
    ASSIGN_OR_RETURN(auto elements, svc_.Elements(""));
    ASSIGN_OR_RETURN(auto tables, svc_.CodeTables());
    std::vector<std::string> names;
    for (const ColumnDef& col : *schema) {
      ColumnPlan plan{col, std::nullopt, col.type == ColumnType::kText};
      StandardizeColumn report{col.name, col.name, "",
                               plan.clean_text ? "trim,half_width" : "copy"};
      auto m = std::find_if(mapping.begin(), mapping.end(),
                            [&](const auto& r) { return r.column == col.name; });
      const DataElement* element =
          m == mapping.end() ? nullptr : FindDataElement(elements, m->element_id);
      if (element != nullptr) {
        ASSIGN_OR_RETURN(Standardizer s, Standardizer::Create(*element, tables));
        report.element_id = element->id;
        report.steps = s.description();
        plan.target.name = element->id;
        auto type = ParseColumnType(element->data_type);
        plan.target.type = type.ok() ? *type : ColumnType::kText;
        plan.standardizer = std::move(s);
      }
      names.push_back(plan.target.name);
      plans_.push_back(std::move(plan));
      result_.columns.push_back(std::move(report));
    }
    DeduplicateColumnNames(names);
    for (size_t i = 0; i < plans_.size(); ++i) {
      plans_[i].target.name = names[i];
      result_.columns[i].target = names[i];
      target_schema_.push_back(plans_[i].target);
    }
    return Status::Ok();
  }

  Status Write() {
    ASSIGN_OR_RETURN(auto writer, svc_.engine_.BeginWrite(result_.target, target_schema_,
                                                          storage::WriteMode::kReplace, ""));
    ASSIGN_OR_RETURN(auto cursor, svc_.engine_.ScanPart(result_.source, {}, 0, 1));
    for (const auto& col : target_schema_) profilers_.emplace_back(col.name, col.type);
    std::vector<Value> in, out(plans_.size());
    while (true) {
      ASSIGN_OR_RETURN(bool more, cursor->Next(in));
      if (!more) break;
      int64_t row_id = std::get<int64_t>(in[0]);
      for (size_t i = 0; i < plans_.size(); ++i)
        RETURN_IF_ERROR(Convert(i, row_id, in[i + 1], out[i]));
      RETURN_IF_ERROR(writer->Append(out));
      for (size_t i = 0; i < out.size(); ++i) profilers_[i].Add(out[i]);
      ++result_.rows;
    }
    RETURN_IF_ERROR(FlushFailures());
    return writer->Commit();
  }

  // Converts column `i` of one row; a value that cannot be standardized becomes NULL
  // and a reported failure.
  Status Convert(size_t i, int64_t row_id, const Value& in, Value& out) {
    const ColumnPlan& plan = plans_[i];
    if (IsNull(in) || (!plan.standardizer && !plan.clean_text)) {
      out = in;
      return Status::Ok();
    }
    std::string text = ValueText(in);
    StdOutcome std_value = plan.standardizer
                               ? plan.standardizer->Apply(text)
                               : StdOutcome::Success(std::string(Trim(ToHalfWidth(Trim(text)))));
    if (std_value.ok && !formats::ConvertValueInto(std_value.value, plan.target.type, out)) {
      std_value = StdOutcome::Failure("'" + std_value.value + "' is not a valid " +
                                      std::string(ColumnTypeName(plan.target.type)));
    }
    if (!std_value.ok) {
      out = std::monostate{};
      ++result_.columns[i].failed;
      return Fail(row_id, plan.target.name + ": " + std_value.reason, text);
    }
    if (std_value.value != text) ++result_.columns[i].changed;
    return Status::Ok();
  }

  Status Fail(int64_t row_id, std::string reason, std::string value) {
    if (++result_.failed_values > kMaxStoredFailures) return Status::Ok();
    failures_.push_back({job_.id, row_id, std::move(reason), std::move(value)});
    return failures_.size() >= kFailureFlushRows ? FlushFailures() : Status::Ok();
  }

  Status FlushFailures() {
    if (failures_.empty()) return Status::Ok();
    RETURN_IF_ERROR(svc_.meta_.AddRejects(failures_));
    failures_.clear();
    return Status::Ok();
  }

  Status Catalog() {
    ASSIGN_OR_RETURN(auto existing, svc_.meta_.GetDataset(result_.target));
    storage::DatasetMeta meta = existing ? *existing : storage::DatasetMeta{};
    meta.name = result_.target;
    if (meta.title.empty()) meta.title = source_meta_.title + "（规范）";
    if (meta.description.empty()) {
      meta.description = "由 " + result_.source.ToString() + " 按数据标准规范化生成";
    }
    if (meta.dept_code.empty()) meta.dept_code = source_meta_.dept_code;
    if (meta.update_cycle.empty()) meta.update_cycle = source_meta_.update_cycle;
    ASSIGN_OR_RETURN(storage::TableStats stats, svc_.engine_.Stats(result_.target));
    meta.row_count = stats.row_count;
    meta.bytes = stats.bytes;
    meta.version += 1;
    meta.columns.clear();
    for (size_t i = 0; i < profilers_.size(); ++i) {
      meta.columns.push_back({target_schema_[i].name, target_schema_[i].type,
                              DumpJson(catalog::ToJson(profilers_[i].Finish())),
                              profilers_[i].Serialize()});
    }
    return svc_.meta_.PutDataset(meta).status();
  }

  StandardsService& svc_;
  StandardizeResult result_;
  storage::JobRecord job_;
  storage::DatasetMeta source_meta_;
  std::vector<ColumnPlan> plans_;
  Schema target_schema_;
  std::vector<catalog::ColumnProfiler> profilers_;
  std::vector<storage::RejectRecord> failures_;
};

Result<StandardizeResult> StandardsService::Standardize(const DatasetName& source,
                                                        const DatasetName& target) {
  Run run(*this, source, target);
  return run.Execute();
}

}  // namespace citydata::governance
