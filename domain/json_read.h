// Exception-free reading of JSON.
//
// FieldReader is the codec for untrusted command bodies: every accessor checks
// presence and type itself (no .at(), no get<>() on request data) and the first
// problem is remembered as an ErrorCode::kInvalidArgument Error whose `field`
// names the offending input. Callers read all fields, then check ok().
//
// The Get* functions read trusted event data (our own output, already upcast)
// for Evolve: a missing or mistyped member yields a default, never a throw, so
// Evolve never fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

class FieldReader {
 public:
  // `prefix` is prepended to field names in errors ("links[0].").
  explicit FieldReader(const nlohmann::json& body, std::string prefix = {});

  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }
  void Fail(std::string_view field, std::string message);
  // Takes over a nested reader's first error (its field already prefixed).
  void Adopt(const FieldReader& nested) {
    if (!error_ && !nested.ok()) error_ = nested.error();
  }

  // Required, non-empty (after trimming) string.
  std::string Str(std::string_view name);
  // Absent or null -> nullopt; present must be a string (may be empty).
  std::optional<std::string> OptStr(std::string_view name);
  // Absent or null -> "".
  std::string StrOr(std::string_view name);
  std::optional<std::int64_t> OptInt(std::string_view name, std::int64_t min, std::int64_t max);
  std::int64_t Int(std::string_view name, std::int64_t min, std::int64_t max);
  std::optional<bool> OptBool(std::string_view name);
  // Absent -> {}; present must be an array of non-empty strings.
  std::vector<std::string> StrList(std::string_view name);
  // ISO "YYYY-MM-DD".
  std::string Date(std::string_view name);
  std::optional<std::string> OptDate(std::string_view name);
  // The member if it is present and of the given kind; nullptr if absent
  // (or null); records an error if it has the wrong type.
  const nlohmann::json* OptObject(std::string_view name);
  const nlohmann::json* OptArray(std::string_view name);

  template <typename E, std::size_t N>
  std::optional<E> OptEnum(std::string_view name, const WireName<E> (&table)[N]) {
    auto text = OptStr(name);
    if (!text) return std::nullopt;
    auto value = ValueOf(table, *text);
    if (!value) Fail(name, "must be one of: " + NamesList(table));
    return value;
  }
  template <typename E, std::size_t N>
  E Enum(std::string_view name, const WireName<E> (&table)[N]) {
    auto value = OptEnum(name, table);
    if (!value && ok()) Fail(name, "is required (one of: " + NamesList(table) + ")");
    return value.value_or(table[0].value);
  }

 private:
  const nlohmann::json* Find(std::string_view name);

  const nlohmann::json& body_;
  std::string prefix_;
  std::optional<Error> error_;
};

// Trimmed copy (ASCII whitespace).
std::string Trim(std::string_view text);

// ---- trusted event data (never throws) ----
std::string GetStr(const nlohmann::json& object, std::string_view key);
std::optional<std::string> GetOptStr(const nlohmann::json& object, std::string_view key);
std::int64_t GetInt(const nlohmann::json& object, std::string_view key, std::int64_t fallback = 0);
bool GetBool(const nlohmann::json& object, std::string_view key, bool fallback = false);
std::vector<std::string> GetStrList(const nlohmann::json& object, std::string_view key);
// The member (or a null json) - for nested objects.
const nlohmann::json& GetMember(const nlohmann::json& object, std::string_view key);

template <typename E, std::size_t N>
E GetEnum(const nlohmann::json& object, std::string_view key, const WireName<E> (&table)[N],
          E fallback) {
  return ValueOf(table, GetStr(object, key)).value_or(fallback);
}
template <typename E, std::size_t N>
std::optional<E> GetOptEnum(const nlohmann::json& object, std::string_view key,
                            const WireName<E> (&table)[N]) {
  return ValueOf(table, GetStr(object, key));
}

// null for nullopt, else the string.
nlohmann::json OrNull(const std::optional<std::string>& value);

}  // namespace assure::domain
