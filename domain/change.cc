#include "domain/change.h"

#include "domain/calendar.h"
#include "domain/event_support.h"

namespace assure::domain {

void AddChange(Change& change, std::string field, nlohmann::json from, nlohmann::json to) {
  if (from == to) return;
  change.changes.push_back({std::move(field), std::move(from), std::move(to)});
}

std::string Words(std::string_view name) {
  if (name.empty()) return "none";
  std::string out(name);
  for (char& c : out) {
    if (c == '-' || c == '_') c = ' ';
  }
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string HumanDate(std::string_view iso) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto date = ParseIsoDate(iso.substr(0, 10));
  if (!date || (iso.size() > 10 && iso[10] != 'T')) return std::string(iso);
  return std::to_string(date->day) + " " + kMonths[date->month - 1] + " " + std::to_string(date->year);
}

std::string Excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  // Back off continuation bytes (10xxxxxx) so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

void DataFields(Change& change, const nlohmann::json& data,
                std::initializer_list<std::pair<const char*, nlohmann::json>> before) {
  if (!data.is_object()) return;
  for (const auto& [key, value] : before) {
    auto it = data.find(key);
    if (it != data.end()) AddChange(change, key, value, *it);
  }
}

std::string ChangedFields(const Change& change) {
  if (change.changes.empty()) return "Edited (no change)";
  std::string out;
  for (const auto& f : change.changes) {
    std::string words = Words(f.field);
    if (!out.empty()) words = ", " + std::string(1, f.field[0]) + words.substr(1);
    out += words;
  }
  return out + " changed";
}

nlohmann::json ItemOf(const EventView& event) {
  nlohmann::json item = DataOf(event);
  if (item.is_object()) {
    item.erase("id");
    item.erase("occurred_at");
  }
  return item;
}

Change UnknownEvent(const EventView& event) { return Change{std::string(event.type), {}, {}}; }

std::string Named(Change& change, std::string kind, std::string id) {
  if (!id.empty()) change.refs.push_back({std::move(kind), id});
  return id;
}

}  // namespace assure::domain
