// Serializes a row cursor as an HTTP response.
#pragma once

#include <memory>

#include "http/server.h"
#include "storage/engine.h"

namespace citydata::http {

enum class RowFormat { kJson, kCsv };

// Streams the cursor's rows with chunked encoding. JSON:
//   {"columns": [...], "rows": [[...], ...], "row_count": N, "truncated": bool}
// and, when the query fails after the first row was sent (e.g. its time limit), a
// final "error" member {"code", "message"}; CSV: a header line then RFC 4180 rows, and a
// last comment line "# error: <message>" on such a failure or "# truncated: ..." when the
// row cap cut the result. Errors before the first row are ordinary error responses.
Response StreamRows(std::unique_ptr<storage::RowCursor> cursor, RowFormat format);

// Reads the whole cursor into one JSON response of the same shape (for small pages).
Response BufferedRows(storage::RowCursor& cursor);

}  // namespace citydata::http
