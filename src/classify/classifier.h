// Classifier: finds sensitive columns from their names and a sample of their values
// (PRODUCT.md C8). Names give evidence (name_rules.h); values are scanned with all
// category patterns at once (value_scanner.h), each match confirmed by a validator
// from src/standards; scoring.h turns both into a category and a confidence.
//
// Thread-safe after Create: ClassifyColumn may be called from any number of threads
// at once (each call scans with its own Hyperscan scratch).
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "classify/scoring.h"
#include "classify/value_scanner.h"
#include "core/status.h"

namespace citydata::classify {

class Classifier {
 public:
  // Compiles the pattern database; errors as for ValueScanner::Create. A process
  // builds one classifier and shares it.
  static Result<std::unique_ptr<Classifier>> Create();

  // The category of the column named `column_name` whose sampled values are
  // `sample_values` (any number; a few hundred to a few thousand is typical). Values
  // are trimmed (ASCII white space and U+3000); empty ones are skipped. Embedded
  // categories report what free-text values contain, e.g. a remarks column holding
  // phone and ID numbers. Returns kNone ("none") when nothing reaches
  // kMinConfidence. Like any allocation, running out of memory for the scan space
  // throws std::bad_alloc.
  ColumnClassification ClassifyColumn(std::string_view column_name,
                                      std::span<const std::string_view> sample_values) const;

 private:
  explicit Classifier(std::unique_ptr<ValueScanner> scanner) : scanner_(std::move(scanner)) {}

  std::unique_ptr<ValueScanner> scanner_;
};

}  // namespace citydata::classify
