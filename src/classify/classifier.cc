#include "classify/classifier.h"

#include "standards/standardize.h"

namespace citydata::classify {

Result<std::unique_ptr<Classifier>> Classifier::Create() {
  ASSIGN_OR_RETURN(std::unique_ptr<ValueScanner> scanner, ValueScanner::Create());
  return std::unique_ptr<Classifier>(new Classifier(std::move(scanner)));
}

ColumnClassification Classifier::ClassifyColumn(
    std::string_view column_name, std::span<const std::string_view> sample_values) const {
  ValueScanner::Scratch scratch = scanner_->NewScratch();
  ColumnTally tally;
  for (std::string_view raw : sample_values) {
    std::string_view value = standards::Trim(raw);
    if (!value.empty()) tally.Add(value, scanner_->Scan(value, scratch));
  }
  return ScoreColumn(MatchColumnName(column_name), tally);
}

}  // namespace citydata::classify
