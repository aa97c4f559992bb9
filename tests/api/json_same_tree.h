// SameTree: two JSON values equal with the same JSON types all the way down
// (5 unsigned is not 5 signed; a float is compared by its dump, so -0.0 is
// not 0.0). For the fast parser's tests and its fuzz target, which check it
// against nlohmann::json::parse.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

namespace assure::testing {

inline bool SameTree(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt) {
      if (it.key() != jt.key() || !SameTree(it.value(), jt.value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!SameTree(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) return a.dump() == b.dump();
  return a == b;
}

}  // namespace assure::testing
