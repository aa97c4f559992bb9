// The canonical JSON of an evidence pack's pack.json and signature.json
// (storage/FORMAT.md 6.6): no whitespace, object keys in ascending byte
// order of their UTF-8, integers only, strings escaped as JSON requires and
// nothing more. Any language reproduces it from that text (Python:
// json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)).
//
// Thread safety: pure functions; CanonicalText writes into the caller's string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace assure::api {

// Appends `v` in canonical form. A floating-point number (never in a pack)
// throws std::invalid_argument: the form has integers only.
void AppendCanonicalJson(std::string& out, const nlohmann::json& v);
std::string CanonicalJson(const nlohmann::json& v);

// The same form written straight from values, for the large parts of
// pack.json (meetings, RAGB histories) that are not built as nlohmann
// objects. The caller writes keys in ascending byte order.
class CanonicalText {
 public:
  explicit CanonicalText(std::string& out) : out_(out) {}
  void Open(char bracket);
  void Close(char bracket);
  // "," unless first in its container, then "key":.
  CanonicalText& Key(std::string_view k);
  // "," unless first in its container.
  CanonicalText& Item();
  void Str(std::string_view v);
  void Int(std::int64_t v);
  void Uint(std::uint64_t v);
  void Bool(bool v) { out_ += v ? "true" : "false"; }
  void Null() { out_ += "null"; }
  void Value(const nlohmann::json& v) { AppendCanonicalJson(out_, v); }

 private:
  void Next();
  std::string& out_;
  std::vector<bool> first_;
};

}  // namespace assure::api
