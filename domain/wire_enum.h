// Tables that map a domain enum to its wire name (the string stored in event
// data and accepted in command bodies).
//
// Wire names are on-disk: once an event carrying one is written, the name is
// never renamed or reused; add a new value (and, if needed, an upcaster) instead.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace assure::domain {

template <typename E>
struct WireName {
  E value;
  std::string_view name;
};

// The wire name of `value`; "" if the table lacks it (a programmer error).
template <typename E, std::size_t N>
constexpr std::string_view NameOf(const WireName<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return {};
}

// The value whose wire name is exactly `name`, or nullopt.
template <typename E, std::size_t N>
constexpr std::optional<E> ValueOf(const WireName<E> (&table)[N], std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

// "a, b, c": the accepted names, for error messages.
template <typename E, std::size_t N>
std::string NamesList(const WireName<E> (&table)[N]) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

}  // namespace assure::domain
