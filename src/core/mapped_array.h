// A growable array for large scratch data (tens of megabytes and more) that is
// filled once and read a few times, such as a scan's per-row hashes.
//
// std::vector pays twice for such data: growing copies every element about once
// more, and each fresh 4 KiB page costs a page fault on first touch (several
// microseconds each on a virtual machine: hundreds of milliseconds for a few hundred
// megabytes). A MappedArray lives in its own anonymous mapping, asking for transparent
// huge pages (one fault per 2 MiB over its 2 MiB-aligned ranges; a new mapping is
// aligned, a grown one may move off alignment), and grows with mremap, without
// copying its pages.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace citydata {

namespace mapped_memory {

// Anonymous memory, zero-filled. Requests from 1 MiB up get whole 2 MiB units,
// aligned to 2 MiB and advised for transparent huge pages, and such mappings, once
// released, are kept in a process-wide pool (up to 512 MiB in all) and handed out
// again whole, because touching fresh memory costs far more than clearing memory
// already touched. Smaller requests get whole pages. Throws std::bad_alloc when the
// system refuses. Thread-safe.
struct Mapping {
  void* data = nullptr;
  size_t bytes = 0;  // at least what was asked for
};
Mapping Map(size_t min_bytes);
// A mapping of at least min_bytes whose first old.bytes bytes are those of `old`
// (remapped, or copied into pooled memory), the rest zero; `old` is gone. `old_dirty`:
// the bytes from the start of `old` that may have been written.
// REQUIRES: min_bytes > old.bytes; `old` comes from Map or Grow.
Mapping Grow(Mapping old, size_t old_dirty, size_t min_bytes);
// `dirty`: the bytes from the start that may have been written.
void Unmap(Mapping m, size_t dirty);

}  // namespace mapped_memory

template <typename T>
class MappedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  MappedArray() = default;
  ~MappedArray() { Release(); }
  MappedArray(const MappedArray&) = delete;
  MappedArray& operator=(const MappedArray&) = delete;
  MappedArray(MappedArray&& other) noexcept { Take(other); }
  MappedArray& operator=(MappedArray&& other) noexcept {
    if (this != &other) {
      Release();
      Take(other);
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

  void push_back(const T& value) {
    if (size_ == capacity_) reserve(size_ + 1);
    data_[size_++] = value;
  }

  // New elements are zero bytes. Never shrinks the mapping.
  void resize(size_t n) {
    reserve(n);
    // Memory past the high-water mark is still zero from the kernel.
    const size_t high = std::max(touched_, size_);
    if (n > size_ && size_ < high) {
      std::memset(static_cast<void*>(data_ + size_), 0, (std::min(n, high) - size_) * sizeof(T));
    }
    touched_ = std::max(high, n);
    size_ = n;
  }

  // Room for n elements without moving again; grows at least geometrically.
  void reserve(size_t n) {
    if (n <= capacity_) return;
    if (n > SIZE_MAX / sizeof(T) / 2) throw std::bad_alloc();
    const size_t bytes = std::max(n, capacity_ * 2) * sizeof(T);
    mapping_ = data_ == nullptr ? mapped_memory::Map(bytes)
                                : mapped_memory::Grow(mapping_, dirty_bytes(), bytes);
    data_ = static_cast<T*>(mapping_.data);
    capacity_ = mapping_.bytes / sizeof(T);
  }

  void clear() {
    touched_ = std::max(touched_, size_);
    size_ = 0;
  }

 private:
  void Release() {
    if (data_ != nullptr) mapped_memory::Unmap(mapping_, dirty_bytes());
    mapping_ = {};
    data_ = nullptr;
    size_ = capacity_ = touched_ = 0;
  }
  size_t dirty_bytes() const { return std::max(touched_, size_) * sizeof(T); }
  void Take(MappedArray& other) {
    mapping_ = std::exchange(other.mapping_, {});
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    touched_ = std::exchange(other.touched_, 0);
  }

  mapped_memory::Mapping mapping_;
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;  // elements that fit the mapping
  size_t touched_ = 0;   // elements below this may have been written
};

}  // namespace citydata
