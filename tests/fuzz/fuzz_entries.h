// The fuzz targets' container for a zip's files, so that libFuzzer mutates
// the XML and JSON inside a workbook or an evidence pack rather than the
// deflate streams around it (which almost never inflate after a mutation).
//
// Layout: repeated [u16 LE name length][name][u32 LE content length][content];
// a length past the end of the input takes what is left; trailing bytes too
// few for a header are ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace assure::fuzz {

inline std::map<std::string, std::string> DecodeEntries(std::string_view in) {
  std::map<std::string, std::string> out;
  auto take = [&](std::size_t n) {
    n = std::min(n, in.size());
    std::string_view v = in.substr(0, n);
    in.remove_prefix(n);
    return v;
  };
  auto u = [&](int bytes) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(static_cast<std::size_t>(bytes));
    return v;
  };
  while (in.size() >= 2) {
    std::string name(take(u(2)));
    if (in.size() < 4) break;
    std::string content(take(u(4)));
    if (!name.empty()) out[name] = std::move(content);
  }
  return out;
}

inline std::string EncodeEntries(const std::map<std::string, std::string>& entries) {
  std::string out;
  auto put = [&](std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  for (const auto& [name, content] : entries) {
    put(static_cast<std::uint32_t>(name.size()), 2);
    out += name;
    put(static_cast<std::uint32_t>(content.size()), 4);
    out += content;
  }
  return out;
}

}  // namespace assure::fuzz
