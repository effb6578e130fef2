// Throughput of the CSV reader alone on one core: reads every record of a file
// (encoding detection and UTF-8 validation included) and prints MB/s.
// Usage: csv_reader_bench FILE
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "formats/record_reader.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: csv_reader_bench FILE\n");
    return 2;
  }
  citydata::formats::ReaderOptions options;
  auto start = std::chrono::steady_clock::now();
  auto reader = citydata::formats::OpenReader(argv[1], options);
  if (!reader.ok()) {
    std::fprintf(stderr, "error: %s\n", reader.status().message().c_str());
    return 1;
  }
  citydata::formats::Record record;
  int64_t records = 0, rejects = 0;
  while (true) {
    auto more = (*reader)->Next(record);
    if (!more.ok()) {
      std::fprintf(stderr, "error: %s\n", more.status().message().c_str());
      return 1;
    }
    if (!*more) break;
    ++records;
    rejects += record.error.empty() ? 0 : 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mb = static_cast<double>(std::filesystem::file_size(argv[1])) / 1e6;
  std::printf("csv reader: %lld records (%lld rejected), %.1f MB in %.2f s = %.0f MB/s on one core\n",
              static_cast<long long>(records), static_cast<long long>(rejects), mb, seconds,
              mb / seconds);
  return 0;
}
