#include "domain/snapshot_read.h"

#include <limits>

namespace assure::domain {

using nlohmann::json;

namespace {
const json kNull;
const json kEmptyArray = json::array();
}  // namespace

SnapshotReader::SnapshotReader(const json& object, std::string_view what, std::string path)
    : object_(object), what_(what), path_(std::move(path)) {
  if (!object_.is_object()) {
    std::string where = path_;
    if (!where.empty() && where.back() == '.') where.pop_back();
    error_ = MakeError(ErrorCode::kCorruption,
                       what_ + ": " + (where.empty() ? "the state" : "'" + where + "'") +
                           " must be a JSON object",
                       where);
  }
}

void SnapshotReader::Fail(std::string_view member, std::string message) {
  if (error_) return;
  std::string full = Path(member);
  error_ = MakeError(ErrorCode::kCorruption, what_ + ": '" + full + "' " + message, full);
}

const json* SnapshotReader::Find(std::string_view name) {
  if (error_) return nullptr;  // also covers a non-object
  auto it = object_.find(std::string(name));
  if (it == object_.end()) {
    Fail(name, "is missing");
    return nullptr;
  }
  return &*it;
}

std::string SnapshotReader::Str(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    Fail(name, "must be a string");
    return {};
  }
  return v->get_ref<const std::string&>();
}

std::optional<std::string> SnapshotReader::OptStr(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    Fail(name, "must be a string or null");
    return std::nullopt;
  }
  return v->get_ref<const std::string&>();
}

std::string SnapshotReader::StrOrNull(std::string_view name) { return OptStr(name).value_or(""); }

bool SnapshotReader::Bool(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    Fail(name, "must be true or false");
    return false;
  }
  return v->get<bool>();
}

std::int64_t SnapshotReader::Int(std::string_view name, std::int64_t min, std::int64_t max) {
  const json* v = Find(name);
  if (v == nullptr) return min;
  const bool too_big = v->is_number_unsigned() &&
                       v->get<std::uint64_t>() >
                           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!v->is_number_integer() || too_big) {
    Fail(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return min;
  }
  const std::int64_t n = v->get<std::int64_t>();
  if (n < min || n > max) {
    Fail(name, "is " + std::to_string(n) + ", not between " + std::to_string(min) + " and " +
                   std::to_string(max));
    return min;
  }
  return n;
}

std::vector<std::string> SnapshotReader::StrList(std::string_view name) {
  std::vector<std::string> out;
  const json& array = Array(name);
  for (const auto& item : array) {
    if (!item.is_string()) {
      Fail(name, "must be an array of strings");
      return {};
    }
    out.push_back(item.get_ref<const std::string&>());
  }
  return out;
}

const json& SnapshotReader::Array(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return kEmptyArray;
  if (!v->is_array()) {
    Fail(name, "must be an array");
    return kEmptyArray;
  }
  return *v;
}

const json& SnapshotReader::Object(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return kNull;
  if (!v->is_object()) {
    Fail(name, "must be a JSON object");
    return kNull;
  }
  return *v;
}

const json& SnapshotReader::OptObject(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr || v->is_null()) return kNull;
  if (!v->is_object()) {
    Fail(name, "must be a JSON object or null");
    return kNull;
  }
  return *v;
}

}  // namespace assure::domain
