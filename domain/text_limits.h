// Limits on the text a command may store (issue 15): how long each field may
// be and which characters it may hold. Every aggregate's Decide checks the
// events it decided against this table (TextChecked), so the API, the
// importer and the CLI all get the same answer: ErrorCode::kInvalidArgument
// (HTTP 422) naming the field and its limit, and nothing is written.
//
// - Length is counted in Unicode characters (code points), after the
//   command's own trimming.
// - No control characters: U+0000-U+001F, U+007F and U+0080-U+009F are
//   refused, except that fields of several lines (notes, descriptions,
//   reasons) may hold line feed, carriage return and tab. They break exports
//   (XML 1.0 cannot hold most of them) and terminals.
// - Text must be UTF-8 (every reader checks; this is the last guard).
//
// Fields are named as in event data (the same names as in commands). Text
// inside lists and nested objects takes the limit of its own member name
// ("codes": each code; "links[0].id"). A member not in the table is an id
// (named "id", "*_id" or "*_ids": kIdChars) or a short one-line value
// (kOtherChars). Members named "previous_*" repeat stored state and are not
// checked (state stored before these limits must not block a change).
//
// Changing a limit changes what the API accepts: say so in README.md.
//
// Thread safety: constant data and pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "domain/result.h"

namespace assure::domain {

struct TextLimit {
  std::string_view field;  // event data member name; "reason" is the event's reason
  std::size_t max_chars;   // Unicode characters
  bool multiline;          // may hold \n, \r and \t
};

inline constexpr std::size_t kNameChars = 300;      // names of people, groups, places
inline constexpr std::size_t kTitleChars = 500;     // titles (a deliverable's is a sentence)
inline constexpr std::size_t kCodeChars = 64;       // codes, labels, references, years
inline constexpr std::size_t kIdChars = 128;        // ids given by clients or derived
inline constexpr std::size_t kLongTextChars = 10'000;  // notes, descriptions, reasons
inline constexpr std::size_t kOtherChars = 300;     // any other one-line value

inline constexpr TextLimit kTextLimits[] = {
    // Names and titles: one line.
    {"name", kNameChars, false},
    {"title", kTitleChars, false},
    {"subject_title", kTitleChars, false},
    {"job_title", kNameChars, false},
    {"location", kNameChars, false},
    {"owner", kNameChars, false},
    {"author", kNameChars, false},
    {"section", kNameChars, false},
    {"target_audience", kNameChars, false},
    {"domain", kNameChars, false},
    {"raw", kNameChars, false},
    {"email", 254, false},  // RFC 5321's longest address
    // Codes, labels and references: one short line.
    {"version_label", kCodeChars, false},
    {"edition", kCodeChars, false},
    {"code", kCodeChars, false},
    {"codes", kCodeChars, false},
    {"qsin_codes", kCodeChars, false},
    {"ods_code", kCodeChars, false},
    {"document_numbers", kCodeChars, false},
    {"reference", kCodeChars, false},
    {"year", kCodeChars, false},
    {"media_type", 255, false},  // RFC 6838: type/subtype of 127 each
    // Long text: several lines.
    {"description", kLongTextChars, true},
    {"objective", kLongTextChars, true},
    {"anticipated_outcome", kLongTextChars, true},
    {"interdependencies_risks", kLongTextChars, true},
    {"summary", kLongTextChars, true},
    {"closure_evidence", kLongTextChars, true},
    {"evidence", kLongTextChars, true},
    {"resolution", kLongTextChars, true},
    {"comment", kLongTextChars, true},
    {"text", kLongTextChars, true},
    {"note", kLongTextChars, true},
    {"notes", kLongTextChars, true},
    {"reason", kLongTextChars, true},
    {"end_reason", kLongTextChars, true},
    {"withdrawn_reason", kLongTextChars, true},
};

// The limit of a field (an event data member name, unprefixed).
TextLimit TextLimitOf(std::string_view field);

// The first problem with `text` as the value of `field`: a message such as
// "is longer than 300 characters (it has 912)" or "holds a control character
// (U+0000)"; empty when the text is within the limit.
std::string TextProblem(std::string_view text, const TextLimit& limit);

// Every string in the events' data, and each event's reason, checked
// against its field's limit: the first problem as kInvalidArgument whose
// field names the member ("links[1].id") and whose message names the limit.
Status CheckEventText(const std::vector<NewEvent>& events);

// `decided` unchanged, unless it holds events whose text breaks a limit.
// What every aggregate's Decide returns through.
Result<std::vector<NewEvent>> TextChecked(Result<std::vector<NewEvent>> decided);

}  // namespace assure::domain
