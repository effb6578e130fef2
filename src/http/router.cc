#include <algorithm>
#include <array>

#include "http/internal.h"
#include "http/server.h"

namespace citydata::http {
namespace internal {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += (plus_is_space && c == '+') ? ' ' : c;
    }
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view raw_path) {
  std::vector<std::string_view> segments;
  if (raw_path.size() <= 1) return segments;
  size_t start = 1;
  while (true) {
    size_t slash = raw_path.find('/', start);
    segments.push_back(raw_path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool ParseTarget(std::string_view target, std::string& raw_path, std::string& path,
                 std::map<std::string, std::string>& query) {
  if (target.empty() || target.front() != '/') return false;
  size_t question = target.find('?');
  raw_path = std::string(target.substr(0, question));
  auto decoded = PercentDecode(raw_path, false);
  if (!decoded) return false;
  path = std::move(*decoded);
  if (question == std::string_view::npos) return true;
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) return false;
    query[std::move(*key)] = std::move(*value);
  }
  return true;
}

Response JsonError(int status, ErrorCode code, std::string_view message) {
  Response response;
  response.status = status;
  response.body = R"({"error":{"code":")";
  AppendJsonEscaped(response.body, ErrorCodeName(code));
  response.body += R"(","message":")";
  AppendJsonEscaped(response.body, message);
  response.body += "\"}}";
  return response;
}

}  // namespace internal

namespace {

// How specific a route is, segment by segment: literals beat parameters beat "*".
enum class SegmentKind { kWildcard = 0, kParam = 1, kLiteral = 2 };

SegmentKind KindOf(const std::string& segment) {
  if (segment == "*") return SegmentKind::kWildcard;
  if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
    return SegmentKind::kParam;
  }
  return SegmentKind::kLiteral;
}

// Matches `path` (raw segments) against a route's segments, filling decoded `params`.
bool MatchSegments(const std::vector<std::string>& route, std::string_view raw_path,
                   const std::vector<std::string_view>& path,
                   std::map<std::string, std::string>& params) {
  for (size_t i = 0; i < route.size(); ++i) {
    SegmentKind kind = KindOf(route[i]);
    if (kind == SegmentKind::kWildcard) {
      size_t offset = i < path.size() ? path[i].data() - raw_path.data() : raw_path.size();
      params["*"] = internal::PercentDecode(raw_path.substr(offset), false).value_or("");
      return true;
    }
    if (i >= path.size()) return false;
    auto decoded = internal::PercentDecode(path[i], false);
    if (!decoded) return false;
    if (kind == SegmentKind::kParam) {
      params[route[i].substr(1, route[i].size() - 2)] = std::move(*decoded);
    } else if (*decoded != route[i]) {
      return false;
    }
  }
  return route.size() == path.size();
}

std::vector<SegmentKind> Specificity(const std::vector<std::string>& segments) {
  std::vector<SegmentKind> kinds;
  for (const auto& segment : segments) kinds.push_back(KindOf(segment));
  return kinds;
}

}  // namespace

std::string_view MethodName(Method m) {
  static constexpr std::array<std::string_view, 7> kNames = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  return kNames[static_cast<size_t>(m)];
}

std::string_view Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::string Request::Query(std::string_view name, std::string_view fallback) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? std::string(fallback) : it->second;
}

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string> segments;
  for (std::string_view segment : internal::SplitPath(pattern)) segments.emplace_back(segment);
  routes_.push_back({method, std::move(segments), std::move(pattern), std::move(handler), options});
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

Router::Match Router::Find(Method method, std::string_view path) const {
  std::vector<std::string_view> segments = internal::SplitPath(path);
  Match best;
  // The best route so far ranks by specificity, then by naming `method` itself rather
  // than GET for a HEAD request.
  std::pair<std::vector<SegmentKind>, bool> best_rank;
  bool path_matched = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchSegments(route.segments, path, segments, params)) continue;
    path_matched = true;
    bool head_via_get = method == Method::kHead && route.method == Method::kGet;
    if (route.method != method && !head_via_get) continue;
    std::pair<std::vector<SegmentKind>, bool> rank{Specificity(route.segments), !head_via_get};
    if (best.handler != nullptr && rank <= best_rank) continue;
    best = {&route.handler, route.options, route.pattern, std::move(params), false};
    best_rank = std::move(rank);
  }
  best.method_not_allowed = best.handler == nullptr && path_matched;
  return best;
}

}  // namespace citydata::http
