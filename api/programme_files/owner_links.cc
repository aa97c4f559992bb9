#include "api/programme_files/owner_links.h"

namespace assure::api::programme_files {

std::string FoldName(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

PeopleByName::PeopleByName(const NetworkModel& model) {
  model.people.ForEach([&](const std::string& id, const domain::PersonState& p) {
    if (p.erased || p.name == domain::kErasedPersonName) return;
    const std::string fold = FoldName(p.name);
    if (!fold.empty()) by_fold_[fold].push_back(id);
  });
}

const std::vector<std::string>& PeopleByName::Find(std::string_view text) const {
  static const std::vector<std::string> kNone;
  auto it = by_fold_.find(FoldName(text));
  return it == by_fold_.end() ? kNone : it->second;
}

}  // namespace assure::api::programme_files
