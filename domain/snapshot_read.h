// Strict reading of state snapshots.
//
// An aggregate's SnapshotJson is our own output, stored so that a read model
// can be restored instead of refolded from the log (see NetworkProjection).
// Unlike the Get* readers of json_read.h, which read trusted event data
// leniently (a missing member gives a default), SnapshotReader refuses a
// member that is missing or of the wrong type: a damaged or out-of-date
// snapshot must be rejected, so the caller rebuilds from the log, never read
// as a plausible but wrong state. Strings are taken exactly as stored (no
// trimming; empty strings allowed).
//
// The first problem is remembered as an ErrorCode::kCorruption Error whose
// `field` is the member's path ("memberships[2].role"). Callers read all
// members, then check ok(). Never throws.
//
// Thread safety: a plain value; one reader per thread.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

class SnapshotReader {
 public:
  // `path` is prepended to member names in errors ("versions[0].").
  // `what` names the snapshot for messages ("group snapshot").
  SnapshotReader(const nlohmann::json& object, std::string_view what, std::string path = {});

  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }
  void Fail(std::string_view member, std::string message);
  // Takes over a nested reader's first error (its path already prefixed).
  void Adopt(const SnapshotReader& nested) {
    if (!error_ && !nested.ok()) error_ = nested.error();
  }
  // The full path of `member` (for nested readers).
  std::string Path(std::string_view member) const { return path_ + std::string(member); }
  std::string_view what() const { return what_; }

  // A string (may be empty).
  std::string Str(std::string_view name);
  // A string, or null -> nullopt. The member must be present.
  std::optional<std::string> OptStr(std::string_view name);
  // A string, or null read as "" (for ToJson's "x|null" members that map "" to null).
  std::string StrOrNull(std::string_view name);
  bool Bool(std::string_view name);
  std::int64_t Int(std::string_view name, std::int64_t min, std::int64_t max);
  // Any value of an `int`.
  int SmallInt(std::string_view name) {
    return static_cast<int>(Int(name, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  }
  // An array of strings.
  std::vector<std::string> StrList(std::string_view name);
  // The member if it is an array / an object; an empty array / null otherwise
  // (with an error recorded).
  const nlohmann::json& Array(std::string_view name);
  const nlohmann::json& Object(std::string_view name);
  // The member if it is an object or null (null and errors give null).
  const nlohmann::json& OptObject(std::string_view name);

  template <typename E, std::size_t N>
  E Enum(std::string_view name, const WireName<E> (&table)[N]) {
    const std::string text = Str(name);
    if (!ok()) return table[0].value;
    auto value = ValueOf(table, text);
    if (!value) {
      Fail(name, "is '" + text + "', not one of: " + NamesList(table));
      return table[0].value;
    }
    return *value;
  }

  // Reads each element of the array member `name` as an object with
  // fn(SnapshotReader& element) -> T; stops at the first error.
  template <typename T, typename Fn>
  std::vector<T> List(std::string_view name, Fn&& fn) {
    std::vector<T> out;
    const nlohmann::json& array = Array(name);
    for (std::size_t i = 0; i < array.size() && ok(); ++i) {
      SnapshotReader element(array[i], what_, Path(name) + "[" + std::to_string(i) + "].");
      T value = fn(element);
      Adopt(element);
      out.push_back(std::move(value));
    }
    return out;
  }

  // Ends a read: the Error if any member failed, else `value`.
  template <typename T>
  Result<T> Finish(T value) const {
    if (!ok()) return error();
    return value;
  }

 private:
  // The member, or nullptr (and an error) if it is absent.
  const nlohmann::json* Find(std::string_view name);

  const nlohmann::json& object_;
  std::string what_;
  std::string path_;
  std::optional<Error> error_;
};

}  // namespace assure::domain
