#include "api/core/json_fast_parse.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "domain/json_text.h"

namespace assure::api {

namespace {

using nlohmann::json;

class Reader {
 public:
  // With `reuse`, values are read into what `out` already holds where they
  // can be (ParseJsonInto); an object's keys must then arrive in ascending
  // order, each once (otherwise false).
  explicit Reader(std::string_view s, bool reuse = false)
      : p_(s.data()), end_(s.data() + s.size()), reuse_(reuse) {}

  bool Document(json& out) {
    Space();
    if (!Value(out, 0)) return false;
    Space();
    return p_ == end_;
  }

 private:
  // Containers nested deeper are refused here and by ParseJsonText.
  static constexpr int kMaxDepth = static_cast<int>(domain::kMaxJsonDepth);

  void Space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool Literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // A string's bytes between its quotes; false for an escape, a control
  // character or a byte outside ASCII (nlohmann checks UTF-8 and decodes
  // escapes: left to it).
  bool String(std::string_view& out) {
    if (p_ == end_ || *p_ != '"') return false;
    const char* start = ++p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    return false;
  }

  // An integer as nlohmann reads it: unsigned when not negative, signed when
  // negative; fractions, exponents and overflow are left to it.
  bool Number(json& out) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 != end_ && p_[1] >= '0' && p_[1] <= '9') return false;  // leading zero
    const char* digits = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    if (negative) {
      std::int64_t v = 0;
      auto r = std::from_chars(start, p_, v);
      if (r.ec != std::errc() || r.ptr != p_) return false;
      out = v;
    } else {
      std::uint64_t v = 0;
      auto r = std::from_chars(digits, p_, v);
      if (r.ec != std::errc() || r.ptr != p_) return false;
      out = v;
    }
    return true;
  }

  // `depth`: the arrays and objects around this value.
  bool Value(json& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': return depth < kMaxDepth && Object(out, depth + 1);
      case '[': return depth < kMaxDepth && Array(out, depth + 1);
      case '"': {
        std::string_view s;
        if (!String(s)) return false;
        if (reuse_ && out.is_string()) {
          out.get_ref<std::string&>().assign(s);  // keeps its capacity
        } else {
          out = std::string(s);
        }
        return true;
      }
      case 't':
        if (!Literal("true")) return false;
        out = true;
        return true;
      case 'f':
        if (!Literal("false")) return false;
        out = false;
        return true;
      case 'n':
        if (!Literal("null")) return false;
        out = nullptr;
        return true;
      default: return Number(out);
    }
  }

  // A bracketed, comma-separated list, from its opening bracket to `close`:
  // element() reads each one (false stops everything).
  template <typename Element>
  bool List(char close, Element element) {
    ++p_;  // the opening bracket
    Space();
    if (p_ != end_ && *p_ == close) {
      ++p_;
      return true;
    }
    while (true) {
      if (!element()) return false;
      Space();
      if (p_ == end_) return false;
      if (*p_ == close) {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
      Space();
    }
  }

  bool Object(json& out, int depth) {
    if (reuse_) return ObjectInPlace(out, depth);
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    return List('}', [&] {
      std::string_view key;
      if (!Key(key)) return false;
      json value;
      if (!Value(value, depth)) return false;
      // Keys usually arrive sorted (nlohmann dumps them so): the hint makes
      // that insert constant time. A repeated key keeps the last value, as
      // nlohmann does.
      auto it = members.emplace_hint(members.end(), std::string(key), json());
      it->second = std::move(value);
      return true;
    });
  }

  // The members merged into those `out` has (both in key order): a member
  // of the same name is read into in place, one the text lacks is erased,
  // a new one inserted where it belongs.
  bool ObjectInPlace(json& out, int depth) {
    if (!out.is_object()) out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    auto it = members.begin();
    std::string_view previous;
    bool first = true;
    const bool ok = List('}', [&] {
      std::string_view key;
      if (!Key(key)) return false;
      if (!first && !(previous < key)) return false;  // unsorted or repeated: a fresh parse
      first = false;
      previous = key;
      while (it != members.end() && std::string_view(it->first) < key) it = members.erase(it);
      if (it == members.end() || std::string_view(it->first) != key) {
        it = members.emplace_hint(it, std::string(key), json());
      }
      if (!Value(it->second, depth)) return false;
      ++it;
      return true;
    });
    if (!ok) return false;
    members.erase(it, members.end());
    return true;
  }

  // A member's key and the colon after it.
  bool Key(std::string_view& key) {
    if (!String(key)) return false;
    Space();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    Space();
    return true;
  }

  bool Array(json& out, int depth) {
    if (!reuse_ || !out.is_array()) out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    std::size_t n = 0;
    const bool ok = List(']', [&] {
      if (n == items.size()) items.emplace_back();
      return Value(items[n++], depth);
    });
    if (ok) items.resize(n);
    return ok;
  }

  const char* p_;
  const char* end_;
  const bool reuse_;
};

}  // namespace

bool FastParseJson(std::string_view text, nlohmann::json& out) {
  json value;
  if (!Reader(text).Document(value)) return false;
  out = std::move(value);
  return true;
}

nlohmann::json ParseJson(std::string_view text) {
  json value;
  if (!Reader(text).Document(value)) value = domain::ParseJsonText(text);
  return value;
}

void ParseJsonInto(std::string_view text, nlohmann::json& into) {
  if (!into.is_discarded() && Reader(text, true).Document(into)) return;
  into = ParseJson(text);  // `into` may be half overwritten: read afresh
}

std::optional<std::string> CutTopLevelMembers(std::string_view t, const std::set<std::string>& names) {
  constexpr auto npos = std::string_view::npos;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
  };
  auto string_end = [&](std::size_t j) {  // t[j] == '"'; just past its closing quote
    for (++j; j < t.size(); ++j) {
      if (t[j] == '\\') {
        ++j;
      } else if (t[j] == '"') {
        return j + 1;
      }
    }
    return npos;
  };
  skip_space();
  if (i >= t.size() || t[i] != '{') return std::nullopt;
  ++i;
  std::string out;
  std::size_t copied = 0;
  for (bool first = true;; first = false) {
    skip_space();
    if (first && i < t.size() && t[i] == '}') break;
    if (i >= t.size() || t[i] != '"') return std::nullopt;
    const std::size_t key_end = string_end(i);
    if (key_end == npos) return std::nullopt;
    const std::string key(t.substr(i + 1, key_end - i - 2));
    i = key_end;
    skip_space();
    if (i >= t.size() || t[i] != ':') return std::nullopt;
    ++i;
    skip_space();
    if (i >= t.size()) return std::nullopt;
    const std::size_t value = i;
    if (t[i] == '{' || t[i] == '[') {
      int depth = 0;
      for (; i < t.size(); ++i) {
        const char ch = t[i];
        if (ch == '"') {
          const std::size_t e = string_end(i);
          if (e == npos) return std::nullopt;
          i = e - 1;
        } else if (ch == '{' || ch == '[') {
          ++depth;
        } else if ((ch == '}' || ch == ']') && --depth == 0) {
          ++i;
          break;
        }
      }
      if (depth != 0) return std::nullopt;
      if (names.count(key)) {
        out.append(t.substr(copied, value - copied));
        out += t[value] == '{' ? "{}" : "[]";
        copied = i;
      }
    } else if (t[i] == '"') {
      i = string_end(i);
      if (i == npos) return std::nullopt;
    } else {
      while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ' ' && t[i] != '\n' && t[i] != '\r' &&
             t[i] != '\t') {
        ++i;
      }
    }
    skip_space();
    if (i < t.size() && t[i] == ',') {
      ++i;
      continue;
    }
    if (i < t.size() && t[i] == '}') break;
    return std::nullopt;
  }
  out.append(t.substr(copied));
  return out;
}

}  // namespace assure::api
