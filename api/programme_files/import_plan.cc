// MakePlan: tables -> groups, programmes and deliverable commands, simulated
// against the current state so the report is exact for a dry run too.
#include "api/programme_files/import_plan.h"

#include <filesystem>
#include <set>

#include "api/core/history.h"
#include "api/spreadsheet/column.h"
#include "api/programme_files/owner_links.h"
#include "api/programme_files/programme_title.h"
#include "api/programme_files/row_mapping.h"
#include "api/queries/risk_drafts.h"
#include "domain/json_read.h"
#include "domain/calendar.h"

namespace assure::api::programme_files {

namespace {

using domain::DeliverableAggregate;
using domain::DeliverableFields;
using domain::DeliverableState;
using domain::DeliverableStatus;
using domain::WorkProgrammeAggregate;
using domain::WorkProgrammeState;

// Decide, then Evolve the decided events into `state`: the pure half of
// Execute, so the plan sees the state each command leaves behind.
template <class Agg>
Result<std::vector<domain::NewEvent>> Simulate(typename Agg::State& state, const std::string& id,
                                               const typename Agg::Command& command,
                                               const ImportOptions& o) {
  domain::CommandContext ctx{o.actor, o.now_us, id};
  auto decided = Agg::Decide(state, command, ctx);
  if (!decided.ok()) return decided.error();
  const std::string stream = domain::StreamId(Agg::kKind, id);
  for (const auto& e : *decided) {
    domain::EventView v;
    v.stream_id = stream;
    v.type = e.type;
    v.schema_version = e.schema_version;
    v.data = &e.data;
    v.actor = o.actor;
    v.reason = e.reason;
    v.recorded_at_us = o.now_us;
    Agg::Evolve(state, v);
  }
  return decided;
}

// The fields of `f` that differ from `s` (trimmed, as Decide compares them).
// Fields named in `keep` are left out; `values`, when given, receives the
// file's text of each changed field.
domain::EditDeliverable EditOf(const DeliverableFields& f, const DeliverableState& s,
                               std::vector<std::string>& changed,
                               const std::set<std::string>& keep = {},
                               std::vector<std::string>* values = nullptr) {
  domain::EditDeliverable edit;
  auto text = [&](const std::optional<std::string>& v, const std::string& current,
                  std::optional<std::string> DeliverableFields::*out, const char* name) {
    if (v && domain::Trim(*v) != current && !keep.count(name)) {
      edit.fields.*out = *v;
      changed.emplace_back(name);
      if (values) values->push_back(*v);
    }
  };
  text(f.reference, s.reference, &DeliverableFields::reference, "reference");
  text(f.objective, s.objective, &DeliverableFields::objective, "objective");
  text(f.title, s.title, &DeliverableFields::title, "title");
  text(f.description, s.description, &DeliverableFields::description, "description");
  text(f.owner, s.owner, &DeliverableFields::owner, "owner");
  text(f.owner_person_id, s.owner_person_id, &DeliverableFields::owner_person_id, "owner_person_id");
  text(f.date_initiated, s.date_initiated.original, &DeliverableFields::date_initiated,
       "date_initiated");
  text(f.planned_end, s.planned_end.original, &DeliverableFields::planned_end, "planned_end");
  text(f.date_completed, s.date_completed.original, &DeliverableFields::date_completed,
       "date_completed");
  text(f.anticipated_outcome, s.anticipated_outcome, &DeliverableFields::anticipated_outcome,
       "anticipated_outcome");
  text(f.interdependencies_risks, s.interdependencies_risks,
       &DeliverableFields::interdependencies_risks, "interdependencies_risks");
  text(f.mm_qsin_reference, s.mm_qsin.raw, &DeliverableFields::mm_qsin_reference, "mm_qsin");
  return edit;
}

// The text of a field of the read model, as FieldOrigin::imported_value has it.
std::string StateText(const nlohmann::json& state, const std::string& field) {
  const nlohmann::json& v = state[field];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) {
    if (v.contains("text")) return v["text"].get<std::string>();
    if (v.contains("raw")) return v["raw"].get<std::string>();
  }
  return v.is_null() ? std::string() : v.dump();
}

std::string FileStem(const std::string& name) {
  std::string base = name.substr(0, name.find(':'));  // "book.xlsx:Sheet" -> "book.xlsx"
  return std::filesystem::path(base).stem().string();
}

// The first 31 characters: how a title survives as an Excel sheet name.
std::string SheetPrefix(std::string_view title) {
  std::size_t i = 0;
  for (std::size_t chars = 0; i < title.size() && chars < 31; ++chars) {
    const auto c = static_cast<unsigned char>(title[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  return NormaliseKey(title.substr(0, std::min(i, title.size())));
}

class Planner {
 public:
  Planner(const NetworkModel& model, const ImportOptions& options, const OriginsLookup& origins)
      : model_(model), options_(options), origins_(origins), people_(model),
        risk_linked_(RiskLinkedDeliverables(model)) {}

  Status AddTable(const std::string& file, const spreadsheet::Table& table);
  const std::optional<Error>& failure() const { return failure_; }
  ImportPlan Finish();
  // True when the importer's own warning for the row replaces the reader's
  // (one warning per row: a realigned row, a skipped section row).
  bool Supersedes(const spreadsheet::Warning& w) const {
    const auto at = std::make_pair(w.file, w.row);
    if (w.kind == spreadsheet::WarningKind::kShiftedCells) return mapped_rows_.count(at) > 0;
    if (w.kind == spreadsheet::WarningKind::kSectionRow) return skipped_rows_.count(at) > 0;
    return false;
  }

 private:
  Result<std::string> ResolveProgramme(const std::string& file, const spreadsheet::Table& table);
  std::string ResolveGroup(const std::string& file, const ProgrammeTitle& t, bool& created);
  ProgrammeReport& Report(const std::string& programme_id) {
    return plan_.report.programmes[report_index_.at(programme_id)];
  }
  PlannedProgramme& Programme(const std::string& id, const std::string& file);
  void Warn(const std::string& file, std::size_t row, std::string message) {
    plan_.report.warnings.push_back({file, row, std::move(message)});
  }
  void PlanRow(const std::string& file, const std::string& programme_id,
               const std::string& id, MappedRow& m, RowReport& report);
  void LinkOwner(MappedRow& m, const DeliverableState& state);
  std::set<std::string> Conflicts(const std::string& file, const std::string& id,
                                  const MappedRow& m, const DeliverableState& state,
                                  const RowReport& report);

  const NetworkModel& model_;
  const ImportOptions& options_;
  const OriginsLookup& origins_;
  const PeopleByName people_;
  const std::set<std::string> risk_linked_;  // deliverables a risk links
  std::map<std::string, std::size_t> owner_index_;  // folded owner text -> report
  std::optional<Error> failure_;  // reading a deliverable's events failed
  ImportPlan plan_;
  std::map<std::string, std::string> planned_groups_;      // normalised name -> id
  std::map<std::string, std::size_t> report_index_;        // programme id -> report
  std::map<std::string, std::size_t> programme_index_;     // programme id -> plan
  std::map<std::string, WorkProgrammeState> programmes_;   // simulated states
  std::map<std::string, std::size_t> deliverable_index_;   // id -> plan
  std::map<std::string, DeliverableState> deliverables_;   // simulated states
  std::set<std::string> matched_;                          // deliverable ids rows matched
  std::set<std::pair<std::string, std::size_t>> mapped_rows_, skipped_rows_;  // source, row
};

ImportPlan Planner::Finish() {
  for (ProgrammeReport& r : plan_.report.programmes) {
    auto p = model_.programmes.Find(r.id);
    if (!p) continue;
    for (const std::string& id : p->deliverable_ids) {
      if (!matched_.count(id)) r.not_in_file.push_back(id);
    }
  }
  return std::move(plan_);
}

std::string Planner::ResolveGroup(const std::string& file, const ProgrammeTitle& t,
                                  bool& created) {
  const std::string key = NormaliseKey(t.group_name);
  std::string found;
  model_.groups.ForEach([&](const std::string& id, const domain::GroupState& g) {
    if (found.empty() && NormaliseKey(g.name) == key) found = id;
  });
  if (!found.empty()) return found;
  if (auto it = planned_groups_.find(key); it != planned_groups_.end()) return it->second;
  const std::string id = StableId("grp-", key);
  domain::CreateGroup create;
  create.name = t.group_name;
  create.kind = t.group_kind;
  plan_.groups.push_back({id, file, create});
  planned_groups_[key] = id;
  ++plan_.report.groups_created;
  created = true;
  return id;
}

Result<std::string> Planner::ResolveProgramme(const std::string& file, const spreadsheet::Table& table) {
  auto known = [&](const std::string& id) -> const WorkProgrammeState* {
    if (auto it = programmes_.find(id); it != programmes_.end()) return &it->second;
    return model_.programmes.Find(id).get();  // a table that is never cold: the row stays
  };
  std::string id = options_.programme_id;
  if (!id.empty() && !known(id)) {
    return MakeError(ErrorCode::kNotFound, "no work programme '" + id + "'", "programme_id");
  }
  // The programme an Assure export names (its id, carried by the workbook).
  if (id.empty() && !table.id.empty() && known(table.id)) id = table.id;
  // A title already known; else a title cut to an Excel sheet name (31
  // characters), when exactly one programme's title starts that way: two
  // years of one programme share the cut, and guessing would edit the wrong
  // year.
  const std::string title_key = NormaliseKey(table.title);
  std::set<std::string> cut_matches;
  auto match = [&](const std::string& pid, const WorkProgrammeState& p) {
    if (!id.empty() || title_key.empty()) return;
    if (NormaliseKey(p.title) == title_key) id = pid;
    else if (SheetPrefix(p.title) == title_key) cut_matches.insert(pid);
  };
  for (const auto& [pid, p] : programmes_) match(pid, p);
  model_.programmes.ForEach(match);
  if (id.empty() && cut_matches.size() == 1) id = *cut_matches.begin();
  if (id.empty() && cut_matches.size() > 1 && options_.programme_title.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     table.source + ", row " + std::to_string(table.header_row) +
                         ": the sheet name '" + table.title + "' is the start of " +
                         std::to_string(cut_matches.size()) +
                         " programmes' titles: name the programme (--programme / "
                         "programme_id) or give the full title (--title / title)",
                     file);
  }
  std::optional<ProgrammeTitle> title;
  if (id.empty()) {
    title = ParseProgrammeTitle(table.title);
    if (!title && !options_.programme_title.empty()) title = ParseProgrammeTitle(options_.programme_title);
    if (!title) title = ParseProgrammeTitle(FileStem(file));
    if (!title) {
      return MakeError(ErrorCode::kInvalidArgument,
                       table.source + ", row " + std::to_string(table.header_row) +
                           ": cannot tell which work programme this table belongs to (" +
                           (table.title.empty() ? std::string("it has no title")
                                                : "its title '" + table.title + "' names no year") +
                           "): add a title such as 'Medical Physics Work "
                           "Programme (2023 - 2024)' above the table, or name it with the "
                           "option --title 'Medical Physics Work Programme (2023 - 2024)' "
                           "(HTTP: POST /api/v1/imports?title=...)",
                       file);
    }
    bool group_created = false;
    const std::string group_id = ResolveGroup(file, *title, group_created);
    for (const auto& [pid, p] : programmes_) {
      if (id.empty() && p.group_id == group_id && p.year == title->year) id = pid;
    }
    model_.programmes.ForEach([&](const std::string& pid, const WorkProgrammeState& p) {
      if (id.empty() && p.group_id == group_id && p.year == title->year) id = pid;
    });
    if (id.empty()) {
      id = StableId("wp-", group_id + "|" + title->year);
      domain::CreateWorkProgramme create{group_id, title->year, title->title};
      auto& state = programmes_[id];
      auto done = Simulate<WorkProgrammeAggregate>(state, id, create, options_);
      if (!done.ok()) {
        return MakeError(done.error().code, table.source + ": " + done.error().message, file);
      }
      Programme(id, file).create = create;
      ++plan_.report.programmes_created;
      ProgrammeReport r;
      r.id = id;
      r.title = title->title;
      r.group_id = group_id;
      r.group_name = title->group_name;
      r.year = title->year;
      r.created = true;
      r.group_created = group_created;
      report_index_[id] = plan_.report.programmes.size();
      plan_.report.programmes.push_back(r);
    }
  }
  if (!report_index_.count(id)) {
    const WorkProgrammeState* p = known(id);
    programmes_.try_emplace(id, *p);
    auto g = model_.groups.Find(p->group_id);
    ProgrammeReport r;
    r.id = id;
    r.title = p->title;
    r.group_id = p->group_id;
    r.group_name = g ? g->name : std::string();
    r.year = p->year;
    report_index_[id] = plan_.report.programmes.size();
    plan_.report.programmes.push_back(r);
    ++plan_.report.programmes_existing;
  }
  return id;
}

PlannedProgramme& Planner::Programme(const std::string& id, const std::string& file) {
  auto [it, added] = programme_index_.try_emplace(id, plan_.programmes.size());
  if (added) plan_.programmes.push_back({id, file, std::nullopt, {}});
  return plan_.programmes[it->second];
}

Status Planner::AddTable(const std::string& file, const spreadsheet::Table& table) {
  const spreadsheet::HeaderMatch match = spreadsheet::MatchHeader(table.header);
  if (!match.Find(spreadsheet::Column::kDeliverable)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     table.source + ", row " + std::to_string(table.header_row) +
                         ": the table has no Deliverable column, so its rows cannot be read",
                     file);
  }
  auto programme = ResolveProgramme(file, table);
  if (!programme.ok()) return programme.error();
  const std::string& pid = *programme;
  ++plan_.report.tables;
  std::map<std::string, int> occurrences;
  for (const spreadsheet::Row& row : table.rows) {
    RowReport report;
    report.file = table.source;
    report.row = row.number;
    report.programme_id = pid;
    std::string skip;
    auto mapped = MapRow(match, table.header.size(), row, skip);
    if (!mapped) {
      skipped_rows_.emplace(table.source, row.number);
      report.action = RowAction::kSkip;
      Warn(table.source, row.number, skip);
      ++plan_.report.rows_skipped;
      plan_.report.rows.push_back(std::move(report));
      continue;
    }
    mapped_rows_.emplace(table.source, row.number);
    for (auto& w : mapped->warnings) Warn(table.source, row.number, w);
    const std::string key = pid + "|" + NormaliseKey(mapped->fields.reference.value_or("")) + "|" +
                            NormaliseKey(*mapped->fields.title);
    const int n = ++occurrences[key];
    const std::string id = StableId("dlv-", key + "|" + std::to_string(n));
    report.deliverable_id = id;
    matched_.insert(id);
    report.reference = mapped->fields.reference.value_or("");
    report.title = *mapped->fields.title;
    report.notes = mapped->notes;
    PlanRow(table.source, pid, id, *mapped, report);
    ++Report(pid).rows;
    plan_.report.rows.push_back(std::move(report));
  }
  return {};
}

// The fields the row would change whose last change in Assure was not an
// import's: reported; kept (returned) unless options_.overwrite.
std::set<std::string> Planner::Conflicts(const std::string& file, const std::string& id,
                                         const MappedRow& m, const DeliverableState& state,
                                         const RowReport& report) {
  std::vector<std::pair<std::string, std::string>> wanted;  // field, file's text
  std::vector<std::string> names, values;
  EditOf(m.fields, state, names, {}, &values);
  for (std::size_t i = 0; i < names.size(); ++i) wanted.emplace_back(names[i], values[i]);
  if (m.ragb && m.ragb != state.ragb) {
    wanted.emplace_back("ragb", std::string(domain::NameOf(domain::kRagbNames, *m.ragb)));
  }
  if (m.status && *m.status != state.status &&
      !(*m.status == DeliverableStatus::kCompleted && IsClosed(state.status))) {
    wanted.emplace_back("status",
                        std::string(domain::NameOf(domain::kDeliverableStatusNames, *m.status)));
  }
  std::set<std::string> kept;
  if (wanted.empty()) return kept;
  auto origins = origins_(id);
  if (!origins.ok()) {
    if (!failure_) failure_ = origins.error();
    return kept;
  }
  const nlohmann::json current = DeliverableAggregate::ToJson(state);
  for (const auto& [field, value] : wanted) {
    auto it = origins->find(field);
    if (it == origins->end() || it->second.by_import) continue;
    const FieldOrigin& o = it->second;
    FieldConflict c;
    c.file = file;
    c.row = m.number;
    c.deliverable_id = id;
    c.reference = report.reference;
    c.title = report.title;
    c.field = field;
    c.file_value = value;
    c.assure_value = StateText(current, field);
    c.imported_value = o.imported_value;
    c.changed_by = o.actor;
    c.changed_at = domain::FormatTimestampUs(o.recorded_at_us);
    c.reason = o.reason;
    c.overwritten = options_.overwrite;
    plan_.report.conflicts.push_back(std::move(c));
    if (!options_.overwrite) kept.insert(field);
  }
  return kept;
}

// The row's Owner against the people (owner_links.h): reported in
// ImportReport::owners, and linked (the owner text replaced by the person's
// id) only when options_.link_owners. A row that agrees with its
// deliverable's link (the cell is the linked person's name) leaves the
// owner alone; an empty cell unlinks.
void Planner::LinkOwner(MappedRow& m, const DeliverableState& state) {
  if (!m.fields.owner) return;  // no Owner column
  const std::string text = domain::Trim(*m.fields.owner);
  if (!state.owner_person_id.empty()) {
    auto linked = model_.people.Find(state.owner_person_id);
    if (linked && FoldName(linked->name) == FoldName(text)) {
      m.fields.owner.reset();
      return;
    }
    if (text.empty()) m.fields.owner_person_id = "";
  }
  if (text.empty()) return;
  auto [at, added] = owner_index_.try_emplace(FoldName(text), plan_.report.owners.size());
  if (added) {
    OwnerReport r;
    r.owner = text;
    const std::vector<std::string>& people = people_.Find(text);
    if (people.size() > 1) {
      r.match = OwnerMatch::kAmbiguous;
      r.candidates = people;
    } else if (people.size() == 1) {
      auto p = model_.people.Find(people[0]);
      r.match = options_.link_owners ? OwnerMatch::kLinked : OwnerMatch::kProposed;
      r.person_id = people[0];
      r.person_name = p->name;
      if (auto org = model_.organisations.Find(p->organisation_id)) r.organisation = org->name;
    }
    plan_.report.owners.push_back(std::move(r));
  }
  OwnerReport& r = plan_.report.owners[at->second];
  ++r.rows;
  if (r.match == OwnerMatch::kLinked) {
    m.fields.owner = "";
    m.fields.owner_person_id = r.person_id;
  }
}

void Planner::PlanRow(const std::string& file, const std::string& pid, const std::string& id,
                      MappedRow& m, RowReport& report) {
  auto [it, fresh] = deliverables_.try_emplace(id);
  DeliverableState& state = it->second;
  if (fresh) {
    if (auto s = model_.deliverables.Find(id)) state = *s;
  }
  LinkOwner(m, state);
  std::vector<DeliverableAggregate::Command> commands;
  auto run = [&](const DeliverableAggregate::Command& c, const char* what) {
    auto done = Simulate<DeliverableAggregate>(state, id, c, options_);
    if (!done.ok()) {
      Warn(file, m.number, std::string(what) + " not applied: " + done.error().message);
      return false;
    }
    commands.push_back(c);
    return true;
  };
  const std::string reason = ImportReason(file);
  if (!state.exists) {
    domain::CreateDeliverable create;
    create.programme_id = pid;
    create.fields = m.fields;
    create.ragb = m.ragb;
    create.status = m.status.value_or(DeliverableStatus::kPlanned);
    if (create.status == DeliverableStatus::kCompleted && !create.ragb) create.ragb = domain::Ragb::kGreen;
    if (!run(create, "the row")) {
      report.action = RowAction::kRejected;
      ++plan_.report.rows_skipped;
      deliverables_.erase(id);
      return;
    }
    report.action = RowAction::kCreate;
    ++plan_.report.deliverables_created;
    ++Report(pid).deliverables_created;
  } else {
    std::vector<std::string>& changed = report.fields_changed;
    // What Assure changed since the last import stays, unless overwriting.
    std::set<std::string> kept = Conflicts(file, id, m, state, report);
    // The owner's text and link go together: Assure's owner is kept whole.
    if (kept.count("owner") || kept.count("owner_person_id")) kept.insert({"owner", "owner_person_id"});
    if (kept.count("ragb")) m.ragb = std::nullopt;
    if (kept.count("status")) m.status = std::nullopt;
    if (m.status && IsClosed(state.status) && !IsClosed(*m.status)) {
      if (run(domain::ReopenDeliverable{reason, *m.status}, "reopening")) changed.emplace_back("status");
    }
    auto edit = EditOf(m.fields, state, changed, kept);
    edit.reason = reason;
    if (!changed.empty() && !(changed.size() == 1 && changed[0] == "status")) {
      if (!run(edit, "the edit")) changed.clear();
    }
    if (m.status == DeliverableStatus::kCompleted && !IsClosed(state.status)) {
      if (run(domain::CompleteDeliverable{state.date_completed.original, m.ragb, reason}, "completion")) {
        changed.emplace_back("status");
        changed.emplace_back("ragb");
      }
    } else {
      if (m.ragb && m.ragb != state.ragb &&
          run(domain::ChangeDeliverableRagb{*m.ragb, reason}, "the rating change")) {
        changed.emplace_back("ragb");
      }
      if (m.status && *m.status != state.status && !IsClosed(*m.status) &&
          !IsClosed(state.status) &&
          run(domain::ChangeDeliverableStatus{*m.status, reason}, "the status change")) {
        changed.emplace_back("status");
      } else if (m.status && *m.status != state.status && IsClosed(*m.status) &&
                 *m.status != DeliverableStatus::kCompleted) {
        run(domain::ChangeDeliverableStatus{*m.status, reason}, "the status change");
        if (state.status == *m.status) changed.emplace_back("status");
      }
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    report.action = commands.empty() ? RowAction::kUnchanged : RowAction::kChange;
    if (commands.empty()) changed.clear();
    ++(commands.empty() ? plan_.report.deliverables_unchanged : plan_.report.deliverables_changed);
    ++(commands.empty() ? Report(pid).deliverables_unchanged : Report(pid).deliverables_changed);
  }
  if (!commands.empty()) {
    auto [at, added] = deliverable_index_.try_emplace(id, plan_.deliverables.size());
    if (added) plan_.deliverables.push_back({id, file, m.number, {}});
    auto& planned = plan_.deliverables[at->second].commands;
    planned.insert(planned.end(), commands.begin(), commands.end());
  }
  // Its Risks column, as the deliverable will hold it: a draft risk unless a
  // risk links it already. Never raised here.
  if (RisksTextSaysSomething(state.interdependencies_risks) && !risk_linked_.count(id)) {
    plan_.report.draft_risks.push_back({file, m.number, id, report.reference, report.title,
                                        state.interdependencies_risks,
                                        DraftRiskTitle(state.interdependencies_risks)});
  }
  // List it in its programme.
  WorkProgrammeState& programme = programmes_[pid];
  if (std::find(programme.deliverable_ids.begin(), programme.deliverable_ids.end(), id) ==
      programme.deliverable_ids.end()) {
    auto added = Simulate<WorkProgrammeAggregate>(programme, pid,
                                                  domain::AddProgrammeDeliverable{id}, options_);
    if (added.ok()) {
      Programme(pid, file).add.push_back(id);
      ++Report(pid).deliverables_added;
    } else {
      Warn(file, m.number, "not listed in programme " + pid + ": " + added.error().message);
    }
  }
}

}  // namespace

std::string ImportReason(const std::string& file) { return "imported from " + file; }

Result<ImportPlan> MakePlan(const NetworkModel& model, const std::vector<FileTables>& files,
                            const ImportOptions& options, const OriginsLookup& origins) {
  Planner planner(model, options, origins);
  std::vector<spreadsheet::Warning> read_warnings;
  for (const FileTables& f : files) {
    for (const spreadsheet::Table& t : f.read.tables) {
      if (spreadsheet::MatchHeader(t.header).matched < 2) {
        std::string header;
        for (std::size_t i = 0; i < t.header.size() && i < 3; ++i) {
          header += (i ? " | " : "") + t.header[i];
        }
        read_warnings.push_back(
            {t.source, t.header_row,
             "a table headed '" + header + "'" + (t.title.empty() ? "" : " under '" + t.title + "'") +
                 " is not a work programme (fewer than two of the seed's columns): its " +
                 std::to_string(t.rows.size()) + " rows are not imported"});
        continue;
      }
      ASSURE_TRY(planner.AddTable(f.name, t));
    }
  }
  if (planner.failure()) return *planner.failure();
  ImportPlan plan = planner.Finish();
  for (const FileTables& f : files) {
    plan.report.files.push_back(f.name);
    plan.report.encodings.push_back(f.read.encoding);
  }
  // The readers' warnings first, then the importer's, each in file order.
  std::vector<spreadsheet::Warning> all;
  for (const FileTables& f : files) {
    for (const spreadsheet::Warning& w : f.read.warnings) {
      if (!planner.Supersedes(w)) all.push_back(w);
    }
  }
  all.insert(all.end(), read_warnings.begin(), read_warnings.end());
  all.insert(all.end(), plan.report.warnings.begin(), plan.report.warnings.end());
  plan.report.warnings = std::move(all);
  plan.report.dry_run = options.dry_run;
  return plan;
}

}  // namespace assure::api::programme_files
