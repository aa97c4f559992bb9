// QSIN statement: one statement of the Quality Standard for Imaging Networks,
// kept as editable data (the catalogue is the set of these streams), with the
// network's self-assessments against it.
//
// Stream kind "qsin_statement" (on-disk); use the code as the id ("IN-601").
// Event types (on-disk, never renamed); every event's data also carries "id"
// and "occurred_at":
//   QsinStatementDefined        {code, section, title, text, edition}
//   QsinStatementEdited         {the changed ones of section, title, text, edition}
//   QsinSelfAssessmentRecorded  {assessment_id, outcome, comment, assessor_person_id, assessed_on}
//
// Rules: the code looks like IN-601 and never changes; the section defaults to
// the code's hundreds digit (section titles are unconfirmed, so editable);
// a comment is required unless the outcome is "met". Assessment ids "s1"..
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/change.h"
#include "domain/event.h"
#include "domain/result.h"
#include "domain/wire_enum.h"

namespace assure::domain {

enum class AssessmentOutcome : std::uint8_t { kMet, kPartlyMet, kNotMet };
inline constexpr WireName<AssessmentOutcome> kAssessmentOutcomeNames[] = {  // on-disk
    {AssessmentOutcome::kMet, "met"},
    {AssessmentOutcome::kPartlyMet, "partly-met"},
    {AssessmentOutcome::kNotMet, "not-met"},
};

struct DefineQsinStatement {  // "define": code, title, edition, section?, text?
  std::string code;
  std::string section;
  std::string title;
  std::string text;
  std::string edition;
};
struct EditQsinStatement {  // "edit": any of section, title, text, edition
  std::optional<std::string> section;
  std::optional<std::string> title;
  std::optional<std::string> text;
  std::optional<std::string> edition;
};
// "record-self-assessment": outcome, comment?, assessor_person_id, assessed_on
struct RecordSelfAssessment {
  AssessmentOutcome outcome = AssessmentOutcome::kMet;
  std::string comment;
  std::string assessor_person_id;
  std::string assessed_on;
};

struct SelfAssessment {
  std::string assessment_id;
  AssessmentOutcome outcome = AssessmentOutcome::kMet;
  std::string comment;
  std::string assessor_person_id;
  std::string assessed_on;
  friend bool operator==(const SelfAssessment&, const SelfAssessment&) = default;
};

struct QsinStatementState {
  bool exists = false;
  std::string id;
  std::string code;
  std::string section;
  std::string title;
  std::string text;
  std::string edition;
  std::vector<SelfAssessment> assessments;  // in the order recorded
  friend bool operator==(const QsinStatementState&, const QsinStatementState&) = default;
};

// An Aggregate (the contract: domain/aggregate.h).
struct QsinStatementAggregate {
  static constexpr std::string_view kKind = "qsin_statement";  // on-disk
  using State = QsinStatementState;
  using Command = std::variant<DefineQsinStatement, EditQsinStatement, RecordSelfAssessment>;

  static Result<std::vector<NewEvent>> Decide(const State& state, const Command& command,
                                              const CommandContext& ctx);
  static void Evolve(State& state, const EventView& event);
  static Change Describe(const State& before, const EventView& event);
  static Result<Command> ParseCommand(std::string_view name, const nlohmann::json& body);
  // {id, code, section, title, text, edition, latest_assessment|null,
  //  assessments: [{assessment_id, outcome, comment, assessor_person_id, assessed_on}]}
  static nlohmann::json ToJson(const State& state);
  // The snapshot form (contract: domain/aggregate.h): ToJson plus "exists"; ignores the derived latest_assessment.
  static nlohmann::json SnapshotJson(const State& state);
  static Result<State> FromSnapshotJson(const nlohmann::json& snapshot);
};

}  // namespace assure::domain
