// JSON array and NDJSON readers (see record_reader.h for the contract).
//
// A JSON array is split into elements by a byte scanner that tracks strings, escapes
// and nesting, so only one element is buffered at a time; each element is then parsed
// with nlohmann::json's SAX interface, which keeps numbers as their source text. NDJSON
// elements are lines.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"
#include "formats/input.h"
#include "formats/record_reader.h"

namespace citydata::formats {

// REQUIRES: options.format is kJson or kNdjson; `source` yields UTF-8 (GB18030 input is
// wrapped in Gb18030ToUtf8Source first); `encoding` is what was detected, for
// encoding(). For kJson fails with InvalidArgument when the input is not a JSON array.
Result<std::unique_ptr<RecordReader>> OpenJsonReader(std::unique_ptr<ByteSource> source,
                                                     uint64_t base_offset, Encoding encoding,
                                                     const ReaderOptions& options);

}  // namespace citydata::formats
