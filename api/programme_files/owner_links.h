// Owner cells and the people they name: the matching rule of an import's
// owner links (README.md, "Owners who are people").
//
// An Owner cell names a person when its text, folded, equals the folded
// full name of exactly one person who is not erased. Folding trims, turns
// every run of spaces and tabs into one space and lower-cases ASCII letters
// ("  jane   SMITH " = "Jane Smith"); nothing else is matched ("J. Smith",
// "Jane Smith (UHB)", a job title). Two or more people of that name: the cell
// is ambiguous and never linked.
//
// Thread safety: a PeopleByName is read-only once built.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/queries/network_model.h"

namespace assure::api::programme_files {

std::string FoldName(std::string_view text);

class PeopleByName {
 public:
  explicit PeopleByName(const NetworkModel& model);
  // The ids of the people (not erased) whose name folds as `text` does, in
  // id order; empty when none.
  const std::vector<std::string>& Find(std::string_view text) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> by_fold_;
};

}  // namespace assure::api::programme_files
