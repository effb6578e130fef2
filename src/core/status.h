// Status and Result<T>: how every citydata module reports expected failures.
//
// A function that can fail for reasons a user or the environment causes returns a
// Status (or a Result<T> carrying either a value or a non-OK Status). Broken
// invariants are programmer errors and are asserted instead. Exceptions thrown by
// third-party libraries are caught inside the module that calls them and turned
// into a Status; they never cross a module boundary.
//
// Messages are written for the person who caused the error: they say what was
// wrong and, where it is not obvious, what to do instead.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace citydata {

// The error codes are transport-neutral. http/error_map.cc is the one place that
// maps them to HTTP statuses; the CLI maps them to exit codes.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,    // the request itself is malformed or violates a rule
  kNotFound,           // a named object does not exist
  kAlreadyExists,      // creating something whose name is taken
  kUnauthenticated,    // no valid credential was presented
  kPermissionDenied,   // the caller is known but not allowed
  kFailedPrecondition, // the system is not in a state that allows this
  kConflict,           // a concurrent change won the race; retrying may succeed
  kResourceExhausted,  // a size or row limit was hit
  kRateLimited,        // a caller's rate limit or quota was hit; retry later
  kDeadlineExceeded,   // a time limit was hit
  kUnavailable,        // shutting down or a dependency is down; retry later
  kInternal,           // a bug or an unexpected environment failure
};

// Stable lower-case identifier of a code, e.g. "invalid_argument"; used in JSON errors.
std::string_view ErrorCodeName(ErrorCode code);
// The inverse of ErrorCodeName; kInternal for unknown names.
ErrorCode ErrorCodeFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<code name>: <message>", for logs.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {ErrorCode::kFailedPrecondition, std::move(m)};
}
inline Status Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
inline Status ResourceExhausted(std::string m) {
  return {ErrorCode::kResourceExhausted, std::move(m)};
}
inline Status DeadlineExceeded(std::string m) { return {ErrorCode::kDeadlineExceeded, std::move(m)}; }
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status RateLimited(std::string m) { return {ErrorCode::kRateLimited, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace citydata

#define CITYDATA_CONCAT_INNER(a, b) a##b
#define CITYDATA_CONCAT(a, b) CITYDATA_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::citydata::Status _st = (expr);                 \
    if (!_st.ok()) return _st;                       \
  } while (false)

// ASSIGN_OR_RETURN(auto x, ResultReturningCall());
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CITYDATA_CONCAT(_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
