#include "core/mapped_array.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

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

// Released huge-page mappings kept for the next Map, up to kPoolBytes in all. Fresh
// memory is expensive to touch the first time (the kernel faults and zeroes each page,
// and under a hypervisor the host may fault too: ~3 ns per byte measured on the
// project's CI-sized VM, against ~0.1 ns to clear memory already backed), and the
// large arrays come in the same sizes run after run. The pool is the price: up to
// kPoolBytes stay resident after a large job.
constexpr size_t kPoolBytes = size_t{512} << 20;

struct Pooled {
  void* p;
  size_t bytes;
  size_t dirty;  // bytes from the start that may be non-zero
};

struct Pool {
  std::mutex mu;
  std::vector<Pooled> free;  // GUARDED_BY(mu)
  size_t bytes = 0;          // GUARDED_BY(mu)
};

Pool& ThePool() {
  static Pool* pool = new Pool();  // never destroyed: Unmap may run during exit
  return *pool;
}

// The smallest pooled mapping of at least `bytes`, zeroed, or an empty Mapping.
Mapping TakePooled(size_t bytes) {
  Pool& pool = ThePool();
  Pooled taken{nullptr, 0, 0};
  {
    std::lock_guard lock(pool.mu);
    auto chosen = pool.free.end();
    for (auto it = pool.free.begin(); it != pool.free.end(); ++it) {
      if (it->bytes >= bytes && (chosen == pool.free.end() || it->bytes < chosen->bytes)) {
        chosen = it;
      }
    }
    if (chosen == pool.free.end()) return {};
    taken = *chosen;
    pool.free.erase(chosen);
    pool.bytes -= taken.bytes;
  }
  std::memset(taken.p, 0, taken.dirty);
  return {taken.p, taken.bytes};
}

size_t RoundUp(size_t bytes) {
  return bytes >= kHugeFrom ? RoundTo(bytes, kHugePage)
                            : RoundTo(std::max<size_t>(bytes, 1), PageSize());
}

Mapping MapFresh(size_t bytes) {
  bytes = RoundUp(bytes);
  if (bytes < kHugeFrom) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return {p, bytes};
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
  if (end > aligned + bytes) {
    munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
  }
  void* p = reinterpret_cast<void*>(aligned);
  // Advice only: without transparent huge pages the memory is ordinary pages.
  madvise(p, bytes, MADV_HUGEPAGE);
  return {p, bytes};
}

}  // namespace

Mapping Map(size_t min_bytes) {
  if (min_bytes >= kHugeFrom) {
    if (Mapping pooled = TakePooled(min_bytes); pooled.data != nullptr) return pooled;
  }
  return MapFresh(min_bytes);
}

Mapping Grow(Mapping old, size_t old_dirty, size_t min_bytes) {
  // Memory from the pool is already touched: copying the old bytes into it is far
  // cheaper than faulting in fresh pages, and the old mapping returns to the pool.
  if (min_bytes >= kHugeFrom) {
    if (Mapping pooled = TakePooled(min_bytes); pooled.data != nullptr) {
      std::memcpy(pooled.data, old.data, std::min(old_dirty, old.bytes));
      Unmap(old, old_dirty);
      return pooled;
    }
  }
  // Grow the mapping itself: it stays one region (an mremap of a range spanning
  // several regions fails before Linux 6.17), its pages are not copied, and the new
  // part reads as zeros. A moved mapping may lose its 2 MiB alignment; huge pages then
  // back the aligned 2 MiB ranges inside it.
  const size_t bytes = RoundUp(min_bytes);
  void* p = mremap(old.data, old.bytes, bytes, MREMAP_MAYMOVE);
  if (p == MAP_FAILED) throw std::bad_alloc();
  if (bytes >= kHugeFrom) madvise(p, bytes, MADV_HUGEPAGE);
  return {p, bytes};
}

void Unmap(Mapping m, size_t dirty) {
  if (m.bytes >= kHugeFrom) {
    Pool& pool = ThePool();
    std::lock_guard lock(pool.mu);
    if (pool.bytes + m.bytes <= kPoolBytes) {
      pool.free.push_back({m.data, m.bytes, std::min(dirty, m.bytes)});
      pool.bytes += m.bytes;
      return;
    }
  }
  munmap(m.data, m.bytes);
}

}  // namespace citydata::mapped_memory
