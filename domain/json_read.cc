#include "domain/json_read.h"

#include <limits>

#include "domain/calendar.h"

namespace assure::domain {

using nlohmann::json;

namespace {
const json kNull;  // returned for absent members
}  // namespace

std::string Trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t b = 0, e = text.size();
  while (b < e && is_space(text[b])) ++b;
  while (e > b && is_space(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

FieldReader::FieldReader(const json& body, std::string prefix)
    : body_(body), prefix_(std::move(prefix)) {
  if (!body_.is_object()) Fail("", "the request body must be a JSON object");
}

void FieldReader::Fail(std::string_view field, std::string message) {
  if (error_) return;
  std::string full = prefix_ + std::string(field);
  std::string text = full.empty() ? std::move(message) : "'" + full + "' " + message;
  error_ = MakeError(ErrorCode::kInvalidArgument, std::move(text), std::move(full));
}

const json* FieldReader::Find(std::string_view name) {
  if (!body_.is_object()) return nullptr;
  auto it = body_.find(std::string(name));
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string FieldReader::Str(std::string_view name) {
  auto value = OptStr(name);
  if (!ok()) return {};
  if (!value || Trim(*value).empty()) {
    Fail(name, "is required and must be a non-empty string");
    return {};
  }
  return Trim(*value);
}

std::optional<std::string> FieldReader::OptStr(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(name, "must be a string");
    return std::nullopt;
  }
  return v->get_ref<const std::string&>();
}

std::string FieldReader::StrOr(std::string_view name) { return OptStr(name).value_or(""); }

std::optional<std::int64_t> FieldReader::OptInt(std::string_view name, std::int64_t min,
                                                std::int64_t max) {
  const json* v = Find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail(name, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() &&
      v->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    Fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  const std::int64_t n = v->get<std::int64_t>();  // type checked just above
  if (n < min || n > max) {
    Fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::int64_t FieldReader::Int(std::string_view name, std::int64_t min, std::int64_t max) {
  auto v = OptInt(name, min, max);
  if (!v && ok()) Fail(name, "is required (an integer)");
  return v.value_or(min);
}

std::optional<bool> FieldReader::OptBool(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(name, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::vector<std::string> FieldReader::StrList(std::string_view name) {
  std::vector<std::string> out;
  const json* v = Find(name);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    Fail(name, "must be an array of strings");
    return out;
  }
  for (const auto& item : *v) {
    if (!item.is_string() || Trim(item.get_ref<const std::string&>()).empty()) {
      Fail(name, "must be an array of non-empty strings");
      return {};
    }
    out.push_back(Trim(item.get_ref<const std::string&>()));
  }
  return out;
}

std::optional<std::string> FieldReader::OptDate(std::string_view name) {
  auto text = OptStr(name);
  if (!text) return std::nullopt;
  if (!ParseIsoDate(*text)) {
    Fail(name, "must be a date written YYYY-MM-DD");
    return std::nullopt;
  }
  return text;
}

std::string FieldReader::Date(std::string_view name) {
  auto v = OptDate(name);
  if (!v && ok()) Fail(name, "is required (a date written YYYY-MM-DD)");
  return v.value_or("");
}

const json* FieldReader::OptObject(std::string_view name) {
  const json* v = Find(name);
  if (v != nullptr && !v->is_object()) {
    Fail(name, "must be a JSON object");
    return nullptr;
  }
  return v;
}

const json* FieldReader::OptArray(std::string_view name) {
  const json* v = Find(name);
  if (v != nullptr && !v->is_array()) {
    Fail(name, "must be an array");
    return nullptr;
  }
  return v;
}

const json& GetMember(const json& object, std::string_view key) {
  if (!object.is_object()) return kNull;
  auto it = object.find(std::string(key));
  return it == object.end() ? kNull : *it;
}

std::string GetStr(const json& object, std::string_view key) {
  const json& v = GetMember(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::optional<std::string> GetOptStr(const json& object, std::string_view key) {
  const json& v = GetMember(object, key);
  if (!v.is_string()) return std::nullopt;
  return v.get<std::string>();
}

std::int64_t GetInt(const json& object, std::string_view key, std::int64_t fallback) {
  const json& v = GetMember(object, key);
  return v.is_number_integer() ? v.get<std::int64_t>() : fallback;
}

bool GetBool(const json& object, std::string_view key, bool fallback) {
  const json& v = GetMember(object, key);
  return v.is_boolean() ? v.get<bool>() : fallback;
}

std::vector<std::string> GetStrList(const json& object, std::string_view key) {
  std::vector<std::string> out;
  const json& v = GetMember(object, key);
  if (!v.is_array()) return out;
  for (const auto& item : v) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

json OrNull(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace assure::domain
