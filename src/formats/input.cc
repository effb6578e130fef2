#include "formats/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace citydata::formats {
namespace {

// Reads start at kFirstReadBytes and grow to kChunkBytes while the source keeps filling
// the buffer: small inputs stay cheap, large files are read a megabyte at a time.
constexpr size_t kFirstReadBytes = 64u << 10;
constexpr size_t kChunkBytes = 1u << 20;

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override { close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<size_t> Read(char* dst, size_t n) override {
    while (true) {
      ssize_t got = read(fd_, dst, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno != EINTR) return Internal("reading " + path_ + ": " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  std::string path_;
};

class StringSource final : public ByteSource {
 public:
  StringSource(std::string bytes, size_t max_read)
      : bytes_(std::move(bytes)), max_read_(max_read) {}

  Result<size_t> Read(char* dst, size_t n) override {
    size_t count = std::min({n, max_read_, bytes_.size() - pos_});
    std::memcpy(dst, bytes_.data() + pos_, count);
    pos_ += count;
    return count;
  }

 private:
  std::string bytes_;
  size_t max_read_;
  size_t pos_ = 0;
};

class PrefixSource final : public ByteSource {
 public:
  PrefixSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  Result<size_t> Read(char* dst, size_t n) override {
    if (pos_ == prefix_.size()) return rest_->Read(dst, n);
    size_t count = std::min(n, prefix_.size() - pos_);
    std::memcpy(dst, prefix_.data() + pos_, count);
    pos_ += count;
    return count;
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

// Keeps undecoded input in `pending_` and decoded output in `decoded_`.
class Gb18030Source final : public ByteSource {
 public:
  Gb18030Source(std::unique_ptr<ByteSource> source, std::unique_ptr<Gb18030Decoder> decoder)
      : source_(std::move(source)), decoder_(std::move(decoder)) {}

  Result<size_t> Read(char* dst, size_t n) override {
    while (decoded_pos_ == decoded_.size()) {
      decoded_.clear();
      decoded_pos_ = 0;
      ASSIGN_OR_RETURN(bool more, DecodeMore());
      if (!more) return size_t{0};
    }
    size_t count = std::min(n, decoded_.size() - decoded_pos_);
    std::memcpy(dst, decoded_.data() + decoded_pos_, count);
    decoded_pos_ += count;
    return count;
  }

 private:
  // Reads and converts one chunk; false at end of input. The text before an invalid
  // sequence is served before the error, so records before it are still read.
  Result<bool> DecodeMore() {
    if (!error_.ok()) return error_;
    ASSIGN_OR_RETURN(size_t got, source_->Read(chunk_.get(), kFirstReadBytes));
    pending_.append(chunk_.get(), got);
    if (pending_.empty()) return false;
    size_t consumed = 0;
    bool ok = decoder_->DecodeSome(pending_, decoded_, consumed);
    if (!ok || (got == 0 && consumed < pending_.size())) {
      error_ = InvalidArgument(DescribeBytes(pending_, consumed) + " at byte offset " +
                               std::to_string(offset_ + consumed) +
                               " are not valid GB18030; check the file's encoding");
      return decoded_.empty() ? Result<bool>(error_) : Result<bool>(true);
    }
    pending_.erase(0, consumed);
    offset_ += consumed;
    return true;
  }

  std::unique_ptr<ByteSource> source_;
  std::unique_ptr<Gb18030Decoder> decoder_;
  std::unique_ptr<char[]> chunk_ = std::make_unique_for_overwrite<char[]>(kFirstReadBytes);
  std::string pending_;
  std::string decoded_;
  size_t decoded_pos_ = 0;
  uint64_t offset_ = 0;
  Status error_;  // reported once the text before it has been served
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("cannot open " + path + ": " + std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    close(fd);
    return NotFound(path + " is a directory, not a file");
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, path));
}

std::unique_ptr<ByteSource> MemorySource(std::string bytes, size_t max_read) {
  return std::make_unique<StringSource>(std::move(bytes), max_read == 0 ? 1 : max_read);
}

std::unique_ptr<ByteSource> PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> source) {
  return std::make_unique<PrefixSource>(std::move(prefix), std::move(source));
}

Result<std::unique_ptr<ByteSource>> Gb18030ToUtf8Source(std::unique_ptr<ByteSource> source) {
  ASSIGN_OR_RETURN(auto decoder, Gb18030Decoder::Create());
  return std::unique_ptr<ByteSource>(
      std::make_unique<Gb18030Source>(std::move(source), std::move(decoder)));
}

InputBuffer::InputBuffer(std::unique_ptr<ByteSource> source, uint64_t base_offset)
    : source_(std::move(source)),
      data_(std::make_unique_for_overwrite<char[]>(kFirstReadBytes)),
      capacity_(kFirstReadBytes),
      base_offset_(base_offset) {}

Result<size_t> InputBuffer::Refill(size_t keep_from) {
  size_t kept = size_ - keep_from;
  if (kept > capacity_ / 2 || (last_read_filled_ && capacity_ < kChunkBytes)) {
    size_t capacity = capacity_ * 2;
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    std::memcpy(grown.get(), data_.get() + keep_from, kept);
    data_ = std::move(grown);
    capacity_ = capacity;
  } else if (keep_from > 0) {
    std::memmove(data_.get(), data_.get() + keep_from, kept);
  }
  size_ = kept;
  base_offset_ += keep_from;
  if (eof_) return size_t{0};
  ASSIGN_OR_RETURN(size_t got, source_->Read(data_.get() + size_, capacity_ - size_));
  last_read_filled_ = got == capacity_ - size_;
  size_ += got;
  eof_ = got == 0;
  return got;
}

}  // namespace citydata::formats
