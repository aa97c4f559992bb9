#include "api/evidence/canonical_json.h"

#include <charconv>
#include <stdexcept>

#include "api/evidence/event_line.h"

namespace assure::api {

namespace {

template <typename Int>
void AppendInt(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

}  // namespace

void AppendCanonicalJson(std::string& out, const nlohmann::json& v) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::null: out += "null"; return;
    case T::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case T::number_integer: AppendInt(out, v.get<std::int64_t>()); return;
    case T::number_unsigned: AppendInt(out, v.get<std::uint64_t>()); return;
    case T::string: AppendJsonString(out, v.get_ref<const std::string&>()); return;
    case T::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v) {
        if (!first) out.push_back(',');
        first = false;
        AppendCanonicalJson(out, item);
      }
      out.push_back(']');
      return;
    }
    case T::object: {
      // nlohmann's object is a std::map<std::string, ...>: keys in byte order.
      out.push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, it.key());
        out.push_back(':');
        AppendCanonicalJson(out, it.value());
      }
      out.push_back('}');
      return;
    }
    default: throw std::invalid_argument("canonical JSON has integers, strings, booleans, null, arrays, objects only");
  }
}

std::string CanonicalJson(const nlohmann::json& v) {
  std::string out;
  AppendCanonicalJson(out, v);
  return out;
}

void CanonicalText::Open(char bracket) {
  out_.push_back(bracket);
  first_.push_back(true);
}

void CanonicalText::Close(char bracket) {
  first_.pop_back();
  out_.push_back(bracket);
}

void CanonicalText::Next() {
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
}

CanonicalText& CanonicalText::Key(std::string_view k) {
  Next();
  AppendJsonString(out_, k);
  out_.push_back(':');
  return *this;
}

CanonicalText& CanonicalText::Item() {
  Next();
  return *this;
}

void CanonicalText::Str(std::string_view v) { AppendJsonString(out_, v); }
void CanonicalText::Int(std::int64_t v) { AppendInt(out_, v); }
void CanonicalText::Uint(std::uint64_t v) { AppendInt(out_, v); }

}  // namespace assure::api
