#include "quality/byte_dfa.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>

namespace citydata::quality {
namespace {

using ByteSet = std::bitset<256>;

// NFA states visited while building the DFA, at most.
constexpr size_t kMaxWork = size_t{4} << 20;

// The parsed pattern.
struct Node {
  enum class Kind { kBytes, kConcat, kAlt, kRepeat };
  Kind kind = Kind::kConcat;  // an empty concatenation matches the empty text
  ByteSet bytes;              // kBytes
  std::vector<Node> kids;     // kConcat, kAlt; kRepeat: one
  int min = 0, max = -1;      // kRepeat; max -1: unbounded
};

ByteSet Range(unsigned char lo, unsigned char hi) {
  ByteSet s;
  for (int c = lo; c <= hi; ++c) s.set(static_cast<size_t>(c));
  return s;
}

bool IsPunct(char c) {
  return c > 0x20 && c < 0x7F && !std::isalnum(static_cast<unsigned char>(c));
}

// Recursive descent over the subset ByteDfa documents; nullopt for anything else.
class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  std::optional<Node> Parse() {
    if (Peek('^')) ++at_;
    // A trailing unescaped `$` anchors at the end, which a whole-text match does
    // anyway. It is unescaped when an even number of backslashes precede it.
    if (!p_.empty() && p_.back() == '$') {
      size_t slashes = 0;
      for (size_t i = p_.size() - 1; i > at_ && p_[i - 1] == '\\'; --i) ++slashes;
      if (slashes % 2 == 0 && p_.size() - 1 >= at_) p_.remove_suffix(1);
    }
    auto node = Alternation();
    if (!node || at_ != p_.size()) return std::nullopt;
    return node;
  }

 private:
  bool Peek(char c) const { return at_ < p_.size() && p_[at_] == c; }

  std::optional<Node> Alternation() {
    Node alt;
    alt.kind = Node::Kind::kAlt;
    while (true) {
      auto branch = Concatenation();
      if (!branch) return std::nullopt;
      alt.kids.push_back(std::move(*branch));
      if (!Peek('|')) break;
      ++at_;
    }
    if (alt.kids.size() == 1) return std::move(alt.kids.front());
    return alt;
  }

  std::optional<Node> Concatenation() {
    Node cat;
    while (at_ < p_.size() && !Peek('|') && !Peek(')')) {
      auto atom = Atom();
      if (!atom) return std::nullopt;
      auto repeated = Quantified(std::move(*atom));
      if (!repeated) return std::nullopt;
      cat.kids.push_back(std::move(*repeated));
    }
    return cat;
  }

  std::optional<Node> Quantified(Node atom) {
    if (at_ >= p_.size()) return atom;
    int min = 0, max = -1;
    switch (p_[at_]) {
      case '*':
        ++at_;
        break;
      case '+':
        ++at_;
        min = 1;
        break;
      case '?':
        ++at_;
        max = 1;
        break;
      case '{': {
        auto bounds = Braces();
        if (!bounds) return std::nullopt;
        std::tie(min, max) = *bounds;
        break;
      }
      default:
        return atom;
    }
    if (Peek('?')) ++at_;  // lazy: the same set of whole-text matches
    // A second repetition operator (RE2 rejects most; `a{2}{3}` it accepts) is
    // left to RE2.
    if (at_ < p_.size() && std::strchr("*+?{", p_[at_]) != nullptr) return std::nullopt;
    Node rep;
    rep.kind = Node::Kind::kRepeat;
    rep.min = min;
    rep.max = max;
    rep.kids.push_back(std::move(atom));
    return rep;
  }

  // {n}, {n,} or {n,m} at at_.
  std::optional<std::pair<int, int>> Braces() {
    size_t i = at_ + 1;
    auto number = [&]() -> std::optional<int> {
      size_t start = i;
      int v = 0;
      while (i < p_.size() && std::isdigit(static_cast<unsigned char>(p_[i])) && i - start < 4) {
        v = v * 10 + (p_[i++] - '0');
      }
      // RE2 takes a count with a leading zero (`{06}`) as literal text, not a count.
      if (i == start || (i < p_.size() && std::isdigit(static_cast<unsigned char>(p_[i]))) ||
          (i - start > 1 && p_[start] == '0')) {
        return std::nullopt;
      }
      return v;
    };
    auto min = number();
    if (!min) return std::nullopt;
    int max = *min;
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      if (i < p_.size() && p_[i] == '}') {
        max = -1;
      } else {
        auto m = number();
        if (!m || *m < *min) return std::nullopt;
        max = *m;
      }
    }
    if (i >= p_.size() || p_[i] != '}' || *min > 1000 || max > 1000) return std::nullopt;
    at_ = i + 1;
    return std::pair{*min, max};
  }

  std::optional<Node> Atom() {
    const char c = p_[at_];
    if (c == '(') {
      ++at_;
      if (Peek('?')) {
        if (at_ + 1 >= p_.size() || p_[at_ + 1] != ':') return std::nullopt;
        at_ += 2;
      }
      auto inner = Alternation();
      if (!inner || !Peek(')')) return std::nullopt;
      ++at_;
      return inner;
    }
    Node node;
    node.kind = Node::Kind::kBytes;
    if (c == '[') {
      auto set = Class();
      if (!set) return std::nullopt;
      node.bytes = *set;
      return node;
    }
    if (c == '\\') {
      auto set = Escape();
      if (!set) return std::nullopt;
      node.bytes = *set;
      return node;
    }
    // Metacharacters other than these are handled by the callers; `]` and `}` on
    // their own, `.`, a `^` or `$` inside, and non-printable or non-ASCII bytes are
    // left to RE2.
    if (c < 0x20 || c >= 0x7F || std::strchr(".^$|?*+)[]{}", c) != nullptr) return std::nullopt;
    ++at_;
    node.bytes.set(static_cast<unsigned char>(c));
    return node;
  }

  // The escape at at_ (a backslash).
  std::optional<ByteSet> Escape() {
    if (at_ + 1 >= p_.size()) return std::nullopt;
    const char e = p_[at_ + 1];
    at_ += 2;
    ByteSet s;
    switch (e) {
      case 'd':
        return Range('0', '9');
      case 'w':
        return Range('0', '9') | Range('A', 'Z') | Range('a', 'z') | Range('_', '_');
      case 's':  // RE2's \s: [\t\n\f\r ]
        s.set('\t').set('\n').set('\f').set('\r').set(' ');
        return s;
      case 'n':
        return s.set('\n');
      case 't':
        return s.set('\t');
      case 'r':
        return s.set('\r');
      case 'f':
        return s.set('\f');
      case 'v':
        return s.set('\v');
      default:
        if (IsPunct(e)) return s.set(static_cast<unsigned char>(e));
        return std::nullopt;
    }
  }

  // One character of a class: a single byte (or nullopt with `set` filled for \d
  // \w \s). Returns false outside the subset, which leaves a `-` other than a
  // class's first or last character, or a range's, to RE2.
  bool ClassChar(size_t class_start, std::optional<unsigned char>& single, ByteSet& set) {
    const char c = p_[at_];
    if (c == '-' && at_ != class_start && (at_ + 1 >= p_.size() || p_[at_ + 1] != ']')) {
      return false;
    }
    if (c == '\\') {
      auto s = Escape();
      if (!s) return false;
      if (s->count() == 1) {
        for (size_t b = 0; b < 256; ++b) {
          if (s->test(b)) single = static_cast<unsigned char>(b);
        }
      } else {
        set = *s;
      }
      return true;
    }
    if (c < 0x20 || c >= 0x7F || c == '[') return false;
    single = static_cast<unsigned char>(c);
    ++at_;
    return true;
  }

  std::optional<ByteSet> Class() {
    ++at_;  // [
    // Negation, a leading `]` and POSIX classes are left to RE2.
    if (at_ >= p_.size() || p_[at_] == '^' || p_[at_] == ']') return std::nullopt;
    const size_t class_start = at_;
    ByteSet out;
    while (at_ < p_.size() && p_[at_] != ']') {
      std::optional<unsigned char> lo;
      ByteSet set;
      if (!ClassChar(class_start, lo, set)) return std::nullopt;
      if (!lo) {
        out |= set;
        continue;
      }
      if (at_ + 1 < p_.size() && p_[at_] == '-' && p_[at_ + 1] != ']') {
        ++at_;
        std::optional<unsigned char> hi;
        ByteSet hi_set;
        if (!ClassChar(class_start, hi, hi_set) || !hi || *hi < *lo) return std::nullopt;
        out |= Range(*lo, *hi);
      } else {
        out.set(*lo);
      }
    }
    if (at_ >= p_.size()) return std::nullopt;
    ++at_;  // ]
    return out;
  }

  std::string_view p_;
  size_t at_ = 0;
};

// A Thompson NFA over bytes.
class Nfa {
 public:
  static constexpr size_t kMaxStates = 4096;

  struct State {
    ByteSet bytes;  // on one of these bytes, go to `next`
    int next = -1;
    std::vector<int> eps;
  };
  struct Fragment {
    int start, end;  // `end` has no transitions yet
  };

  // False when the pattern needs more than kMaxStates states.
  bool Build(const Node& root) {
    auto f = Compile(root);
    if (!f) return false;
    start_ = f->start;
    accept_ = f->end;
    return true;
  }

  const std::vector<State>& states() const { return states_; }
  int start() const { return start_; }
  int accept() const { return accept_; }

 private:
  std::optional<int> New() {
    if (states_.size() >= kMaxStates) return std::nullopt;
    states_.emplace_back();
    return static_cast<int>(states_.size() - 1);
  }

  std::optional<Fragment> Compile(const Node& n) {
    switch (n.kind) {
      case Node::Kind::kBytes: {
        auto s = New(), e = New();
        if (!s || !e) return std::nullopt;
        states_[static_cast<size_t>(*s)].bytes = n.bytes;
        states_[static_cast<size_t>(*s)].next = *e;
        return Fragment{*s, *e};
      }
      case Node::Kind::kConcat: {
        auto s = New();
        if (!s) return std::nullopt;
        int end = *s;
        for (const Node& k : n.kids) {
          auto f = Compile(k);
          if (!f) return std::nullopt;
          states_[static_cast<size_t>(end)].eps.push_back(f->start);
          end = f->end;
        }
        return Fragment{*s, end};
      }
      case Node::Kind::kAlt: {
        auto s = New(), e = New();
        if (!s || !e) return std::nullopt;
        for (const Node& k : n.kids) {
          auto f = Compile(k);
          if (!f) return std::nullopt;
          states_[static_cast<size_t>(*s)].eps.push_back(f->start);
          states_[static_cast<size_t>(f->end)].eps.push_back(*e);
        }
        return Fragment{*s, *e};
      }
      case Node::Kind::kRepeat:
        return Repeat(n.kids.front(), n.min, n.max);
    }
    return std::nullopt;
  }

  // `min` required copies, then `max - min` optional ones (or a loop when unbounded).
  std::optional<Fragment> Repeat(const Node& body, int min, int max) {
    auto s = New();
    if (!s) return std::nullopt;
    int end = *s;
    for (int i = 0; i < min; ++i) {
      auto f = Compile(body);
      if (!f) return std::nullopt;
      states_[static_cast<size_t>(end)].eps.push_back(f->start);
      end = f->end;
    }
    if (max < 0) {
      auto f = Compile(body);
      auto e = New();
      if (!f || !e) return std::nullopt;
      states_[static_cast<size_t>(end)].eps.push_back(f->start);
      states_[static_cast<size_t>(end)].eps.push_back(*e);
      states_[static_cast<size_t>(f->end)].eps.push_back(f->start);
      states_[static_cast<size_t>(f->end)].eps.push_back(*e);
      return Fragment{*s, *e};
    }
    auto e = New();
    if (!e) return std::nullopt;
    for (int i = min; i < max; ++i) {
      auto f = Compile(body);
      if (!f) return std::nullopt;
      states_[static_cast<size_t>(end)].eps.push_back(f->start);
      states_[static_cast<size_t>(end)].eps.push_back(*e);
      end = f->end;
    }
    states_[static_cast<size_t>(end)].eps.push_back(*e);
    return Fragment{*s, *e};
  }

  std::vector<State> states_;
  int start_ = 0, accept_ = 0;
};

// The states reachable from `set` by epsilon moves, sorted.
std::vector<int> Closure(const Nfa& nfa, std::vector<int> set) {
  std::vector<char> seen(nfa.states().size(), 0);
  std::vector<int> stack = set;
  for (int s : set) seen[static_cast<size_t>(s)] = 1;
  while (!stack.empty()) {
    int s = stack.back();
    stack.pop_back();
    for (int t : nfa.states()[static_cast<size_t>(s)].eps) {
      if (!seen[static_cast<size_t>(t)]) {
        seen[static_cast<size_t>(t)] = 1;
        set.push_back(t);
        stack.push_back(t);
      }
    }
  }
  std::sort(set.begin(), set.end());
  return set;
}

}  // namespace

std::unique_ptr<const ByteDfa> ByteDfa::Compile(std::string_view pattern) {
  auto root = Parser(pattern).Parse();
  if (!root) return nullptr;
  Nfa nfa;
  if (!nfa.Build(*root)) return nullptr;

  // Bytes no NFA transition tells apart share a class: the table is states x classes.
  std::unique_ptr<ByteDfa> dfa(new ByteDfa());
  {
    std::map<std::vector<int>, uint8_t> signature_class;
    for (size_t b = 0; b < 256; ++b) {
      std::vector<int> signature;
      for (size_t s = 0; s < nfa.states().size(); ++s) {
        if (nfa.states()[s].bytes.test(b)) signature.push_back(static_cast<int>(s));
      }
      auto [it, fresh] = signature_class.emplace(std::move(signature),
                                                 static_cast<uint8_t>(signature_class.size()));
      (void)fresh;
      dfa->class_of_[b] = it->second;
    }
    dfa->classes_ = static_cast<uint32_t>(signature_class.size());
  }
  std::vector<ByteSet> class_bytes(dfa->classes_);
  for (size_t b = 0; b < 256; ++b) class_bytes[dfa->class_of_[b]].set(b);

  // Subset construction. State 0 is the dead state (the empty set).
  std::map<std::vector<int>, uint32_t> index;
  std::vector<std::vector<int>> sets;
  auto state_of = [&](std::vector<int> set) -> std::optional<uint32_t> {
    auto it = index.find(set);
    if (it != index.end()) return it->second;
    if (sets.size() >= kMaxStates) return std::nullopt;
    const auto id = static_cast<uint32_t>(sets.size());
    index.emplace(set, id);
    sets.push_back(std::move(set));
    return id;
  };
  state_of({});
  auto start = state_of(Closure(nfa, {nfa.start()}));
  if (!start) return nullptr;
  // Bounds the work, not only the result: a pattern such as ((a|b|...)?){200} has
  // few DFA states but huge NFA state sets to compute them from.
  size_t work = 0;
  for (size_t i = 0; i < sets.size(); ++i) {
    for (uint32_t cls = 0; cls < dfa->classes_; ++cls) {
      work += sets[i].size();
      if (work > kMaxWork) return nullptr;
      std::vector<int> moved;
      for (int s : sets[i]) {
        const auto& st = nfa.states()[static_cast<size_t>(s)];
        if (st.next >= 0 && (st.bytes & class_bytes[cls]).any()) moved.push_back(st.next);
      }
      std::optional<uint32_t> target = kDead;
      if (!moved.empty()) {
        std::vector<int> closed = Closure(nfa, std::move(moved));
        work += closed.size();
        if (work > kMaxWork) return nullptr;
        target = state_of(std::move(closed));
      }
      if (!target) return nullptr;
      dfa->next_.resize(std::max(dfa->next_.size(), (i + 1) * dfa->classes_));
      dfa->next_[i * dfa->classes_ + cls] = *target * dfa->classes_;
    }
  }
  dfa->accepting_.resize(sets.size());
  for (size_t i = 0; i < sets.size(); ++i) {
    dfa->accepting_[i] = std::binary_search(sets[i].begin(), sets[i].end(), nfa.accept());
  }
  dfa->start_ = *start * dfa->classes_;
  return dfa;
}

}  // namespace citydata::quality
