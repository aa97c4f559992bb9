#include "api/queries/cold_rows.h"

namespace assure::api {

namespace {
constexpr std::string_view kPrefix = "row1/";
}  // namespace

ColdRows::ColdRows(storage::EventStore& store, std::string_view kind)
    : store_(store), prefix_(std::string(kPrefix) + std::string(kind) + "/") {}

Result<std::optional<std::string>> ColdRows::Get(std::string_view id) const { return store_.GetState(Key(id)); }

Status ColdRows::Visit(const std::function<bool(std::string_view id, std::string_view value)>& fn) const {
  return store_.VisitState(prefix_, {}, [&](std::string_view key, std::string_view value) {
    return fn(key.substr(prefix_.size()), value);
  });
}

Status ColdRows::Put(const std::vector<storage::KeyValue>& pairs) const { return store_.PutState(pairs, /*sync=*/false); }

Status ColdRows::Clear() const { return store_.ClearState(prefix_); }

void PutLeb128(std::string& out, std::uint64_t n) {
  do {
    const auto low = static_cast<char>(n & 0x7f);
    n >>= 7;
    out += n != 0 ? static_cast<char>(low | 0x80) : low;
  } while (n != 0);
}

bool GetLeb128(std::string_view& in, std::uint64_t& n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < in.size() && i < 10; ++i) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (i == 9 && b > 1) return false;  // past 64 bits
    v |= std::uint64_t{b & 0x7fu} << (7 * i);
    if ((b & 0x80u) == 0) {
      in.remove_prefix(i + 1);
      n = v;
      return true;
    }
  }
  return false;
}

}  // namespace assure::api
