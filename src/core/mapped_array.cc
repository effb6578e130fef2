#include "core/mapped_array.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <new>

namespace citydata::mapped_memory {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeFrom = size_t{1} << 20;

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

size_t RoundTo(size_t bytes, size_t unit) {
  if (bytes > SIZE_MAX - unit) throw std::bad_alloc();
  return (bytes + unit - 1) / unit * unit;
}

}  // namespace

size_t RoundUp(size_t bytes) {
  return bytes >= kHugeFrom ? RoundTo(bytes, kHugePage)
                            : RoundTo(std::max<size_t>(bytes, 1), PageSize());
}

void* Map(size_t bytes) {
  bytes = RoundUp(bytes);
  if (bytes < kHugeFrom) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Over-map by one huge page and trim both ends so that the mapping starts on a
  // huge-page boundary: the kernel backs only aligned 2 MiB ranges with huge pages.
  const size_t span = bytes + kHugePage;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(raw, aligned - start);
  uintptr_t end = start + span;
  if (end > aligned + bytes)
    munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  void* p = reinterpret_cast<void*>(aligned);
  // Advice only: without transparent huge pages the memory is ordinary pages.
  madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

void* Grow(void* old, size_t old_bytes, size_t new_bytes) {
  old_bytes = RoundUp(old_bytes);
  void* fresh = Map(new_bytes);
  // Move the old pages over the start of the new mapping (page tables move; no byte
  // is copied). MREMAP_FIXED replaces what was mapped there.
  void* moved = mremap(old, old_bytes, old_bytes, MREMAP_MAYMOVE | MREMAP_FIXED, fresh);
  if (moved == MAP_FAILED) {
    Unmap(fresh, new_bytes);
    throw std::bad_alloc();
  }
  return fresh;
}

void Unmap(void* p, size_t bytes) { munmap(p, RoundUp(bytes)); }

}  // namespace citydata::mapped_memory
