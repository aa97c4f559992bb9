// Current state of every entity of one aggregate kind, folded from events.
//
// An EntityTable applies the events of streams "<kind>-<id>" with the
// aggregate's own Evolve, so the read model and the write side can never
// disagree about what an event means.
//
// A row may be slim (Row::slim): its state keeps only what the model's scans
// need (api/queries/slim_rows.h) and the whole state is its stream's, folded
// up to the row's position (WithFullState in network_model.h). Only the live
// model slims rows it has not changed for a while (NetworkProjection), and
// then lets them go cold: out of memory into the store (KeepColdRowsIn,
// cold_rows.h), so its memory follows what is active, not the whole
// history. Lookups (Find, FindRow) and scans (ForEach, ForEachRow) see the
// rows in memory and the cold ones alike; a lookup returns a handle that
// keeps a cold row (read back for it) alive, and a scan's row is valid
// during its call only: keep neither a pointer into a row nor the row
// beyond that. A table that slims
// is made with the kind's two functions (EntityTable(pack, unpack)): pack
// makes a state slim and may keep part of it packed in Row::packed (slim
// meetings do); unpack puts the packed part back into a copy of the state
// when the row is written out (a snapshot holds a slim row's state as the
// aggregate's snapshot JSON, nothing packed: FORMAT.md 2.1), and pack is
// applied again to a slim row read back.
//
// A copy shares the rows (copy on write): it copies the map of row pointers,
// not the states, and each row the original then changes is copied once
// first. The live model is copied for every snapshot while no event can be
// applied (ProjectionRunner::SaveSnapshots); copying every state had held
// the lock for 274 ms at 1,000,000 events. A row the original made before its
// latest copy (Row::made < copies_) may be shared and is never written; one
// made since is its own.
//
// Thread safety: none; the owner (NetworkModel under ProjectionRunner's lock)
// serialises access. A copy counts itself in the original (a mutable
// count), so two copies of one table are not taken at once (the runner's
// snapshots are taken one at a time, under its read lock, which keeps
// writes out).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/core/json_fast_parse.h"
#include "api/privacy/personal_data_vault.h"
#include "api/queries/cold_rows.h"
#include "domain/aggregate.h"
#include "domain/event.h"
#include "domain/result.h"

namespace assure::api {

template <domain::Folds Agg>
class EntityTable {
 public:
  using State = typename Agg::State;

  struct Row {
    State state{};
    std::uint64_t version = 0;   // stream version of the last event folded
    std::uint64_t position = 0;  // its global position
    bool slim = false;           // state holds the summary only (see above)
    std::uint64_t made = 0;      // the table's copies_ when this row object was made
    std::string packed;          // a slim row's packed part (see above); empty if none
  };
  // A row as looked up (FindRow): the table's own, or a cold row read back
  // (ColdRows), which lives as long as the handle does.
  using RowRef = std::shared_ptr<const Row>;
  using StateRef = std::shared_ptr<const State>;
  // Makes `state` slim, putting any part it keeps packed in `packed`;
  // returns whether the row is now slim.
  using Pack = bool (*)(State& state, std::string& packed);
  // Puts `packed` back into a slim `state` (made by Pack).
  using Unpack = void (*)(State& state, std::string_view packed);

  // Applies `e` if it belongs to this kind; returns whether it did.
  bool Apply(const domain::EventView& e) {
    const std::string_view id = domain::IdInStream(e.stream_id, Agg::kKind);
    if (id.empty()) return false;
    auto it = rows_.find(id);
    if (it == rows_.end()) {
      // Made before it is inserted: if making it throws, the map is as it was
      // (an empty pointer left in it would be read by every scan).
      auto made = std::make_shared<Row>();
      made->made = copies_;
      it = rows_.emplace(std::string(id), std::move(made)).first;
    }
    Row& row = Writable(it);
    // A slim row folds its events into its state (NetworkProjection makes it
    // whole first; a model with no store to load it from cannot): its packed
    // part goes back into the state first, so that nothing reads the old
    // packed part in place of the state the event changed.
    if (!row.packed.empty() && unpack_ != nullptr) {
      unpack_(row.state, row.packed);
      std::string().swap(row.packed);
    }
    Agg::Evolve(row.state, e);
    row.version = e.stream_version;
    row.position = e.position;
    if (track_changes_) changed_.emplace_back(e.position, it);
    return true;
  }

  // The existing entity `id`, in memory or cold; null if none. Keep the
  // handle while reading it: a cold row lives as long as it does.
  StateRef Find(std::string_view id) const {
    RowRef row = FindRow(id);
    return row ? StateRef(row, &row->state) : nullptr;
  }
  RowRef FindRow(std::string_view id) const {
    auto it = rows_.find(id);
    if (it != rows_.end()) return it->second->state.exists ? it->second : nullptr;
    if (cold_ == nullptr) return nullptr;
    auto bytes = cold_->Get(id);
    if (!bytes.ok()) {
      cold_->CountFailure();
      return nullptr;
    }
    if (!bytes->has_value()) return nullptr;
    auto row = std::make_shared<Row>();
    if (!DecodeCold(**bytes, *row)) return nullptr;
    return row->state.exists ? row : nullptr;
  }

  // From now on, rows that SlimRowsBefore slims are written to `cold` and
  // dropped from memory (see cold_rows.h); null: kept in memory, slim.
  void KeepColdRowsIn(const ColdRows* cold) { cold_ = cold; }
  const ColdRows* cold_rows() const { return cold_; }
  // Whether `id` has a cold row and no row in memory (NetworkModel::Unslim),
  // whether or not the cold row reads back.
  Result<bool> IsCold(std::string_view id) const {
    if (cold_ == nullptr || rows_.find(id) != rows_.end()) return false;
    auto bytes = cold_->Get(id);
    if (!bytes.ok()) return bytes.error();
    return bytes->has_value();
  }
  // Puts `id`'s whole state in memory (loaded from its stream, at `version`
  // and `position`), in place of any row there (a slim one, or none: cold).
  void Insert(std::string_view id, State state, std::uint64_t version, std::uint64_t position) {
    auto row = std::make_shared<Row>();
    row->state = std::move(state);
    row->version = version;
    row->position = position;
    row->made = copies_;
    auto it = rows_.find(id);
    if (it == rows_.end()) it = rows_.emplace(std::string(id), nullptr).first;
    it->second = std::move(row);
    if (track_changes_) changed_.emplace_back(position, it);
  }

  // The row of `id` in memory (existing or not), to change; nullptr if none.
  Row* MutableRow(std::string_view id) {
    auto it = rows_.find(id);
    return it == rows_.end() ? nullptr : &Writable(it);
  }
  // From now on, remembers which rows each event changed, oldest first, for
  // SlimRowsBefore: the rows there are now, in the order of their last
  // change, then each row an Apply changes. Only the live model's meetings
  // and documents are swept (NetworkProjection); other tables never call this.
  void TrackChanges() {
    track_changes_ = true;
    changed_.clear();
    // With cold rows, slim ones too: a snapshot may hold slim rows (saved
    // before rows went cold, or when writing one failed).
    for (auto it = rows_.begin(); it != rows_.end(); ++it) {
      if (!it->second->slim || cold_ != nullptr) changed_.emplace_back(it->second->position, it);
    }
    std::sort(changed_.begin(), changed_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // Applies pack (the constructor's) to every row not yet slim whose last
  // event is before `position`, looking only
  // at the rows changed since the sweep before (TrackChanges). Returns how
  // many changes it looked at: at most one per event applied, whatever the
  // table's size.
  // With cold rows (KeepColdRowsIn), the rows it slims are written there in
  // one batch and dropped from memory; if that write fails they stay in
  // memory, slim.
  std::size_t SlimRowsBefore(std::uint64_t position) {
    std::size_t examined = 0;
    if (pack_ == nullptr) return examined;
    std::vector<typename Rows::iterator> gone_cold;
    while (!changed_.empty() && changed_.front().first < position) {
      const auto [changed_at, it] = changed_.front();
      changed_.pop_front();
      ++examined;
      // A row changed again since has a later entry; it is slimmed then.
      const Row& row = *it->second;
      if (row.position != changed_at || !row.state.exists || (row.slim && cold_ == nullptr)) continue;
      if (!row.slim) {
        Row& mine = Writable(it);
        mine.slim = pack_(mine.state, mine.packed);
      }
      if (it->second->slim && cold_ != nullptr) gone_cold.push_back(it);
    }
    if (gone_cold.empty()) return examined;
    std::vector<storage::KeyValue> batch;
    batch.reserve(gone_cold.size());
    for (auto it : gone_cold) batch.push_back({cold_->Key(it->first), EncodeCold(*it->second)});
    if (!cold_->Put(batch).ok()) {
      cold_->CountFailure();
      return examined;
    }
    // No entry of changed_ names these rows any more: each was its row's
    // latest (a later change would have a later entry, and the row a later
    // position), and the earlier ones were taken before it.
    for (auto it : gone_cold) rows_.erase(it);
    return examined;
  }

  // Every existing entity, in memory or cold, in id order: fn(id, state).
  // A cold row's state is valid during the call only.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    ForEachRow([&](const std::string& id, const Row& row) { fn(id, row.state); });
  }
  // Every existing entity with its version: fn(id, row). The rows in
  // memory and the cold ones are merged in id order (one of each id: the
  // one in memory, which is newer).
  template <typename Fn>
  void ForEachRow(Fn&& fn) const {
    auto it = rows_.begin();
    auto memory_before = [&](std::string_view id) {
      for (; it != rows_.end() && std::string_view(it->first) < id; ++it) {
        if (it->second->state.exists) fn(it->first, *it->second);
      }
    };
    if (cold_ != nullptr) {
      std::string key;
      Row cold;
      Status s = cold_->Visit([&](std::string_view id, std::string_view bytes) {
        memory_before(id);
        if (it != rows_.end() && it->first == id) return true;  // shadowed
        if (!DecodeCold(bytes, cold)) return true;
        key.assign(id);
        if (cold.state.exists) fn(key, std::as_const(cold));
        return true;
      });
      if (!s.ok()) cold_->CountFailure();
    }
    for (; it != rows_.end(); ++it) {
      if (it->second->state.exists) fn(it->first, *it->second);
    }
  }

  // The whole table as {id: {state: Agg::SnapshotJson(state), version,
  // position, slim (only when true)}} - every row, including one whose stream has events but no
  // creation event (exists == false), which Find and ForEach hide, and the
  // cold rows. For comparing models in tests and dumps.
  nlohmann::json Snapshot() const {
    nlohmann::json out = nlohmann::json::object();
    if (cold_ != nullptr) {
      Row cold;
      Status s = cold_->Visit([&](std::string_view id, std::string_view bytes) {
        if (DecodeCold(bytes, cold)) out[std::string(id)] = SnapshotRow(cold);
        return true;
      });
      if (!s.ok()) cold_->CountFailure();
    }
    for (const auto& [id, row] : rows_) out[id] = SnapshotRow(*row);  // shadows a cold one
    return out;
  }
  // Every row in memory (as Snapshot(); not the cold rows, which the store
  // keeps) appended to `out` as one line of compact JSON each, in id order,
  // the id as member "id":
  //   {"id": id, "position": n, "slim": true (only when so), "state": {...}, "version": n}\n
  // After each row, `after_row(out)` may take what `out` holds (a part of a
  // snapshot); its error stops the rows. Returns the number of rows.
  template <typename AfterRow>
  Result<std::size_t> AppendSnapshotRows(std::string& out, AfterRow&& after_row) const {
    for (const auto& [id, row] : rows_) {
      nlohmann::json j = SnapshotRow(*row);
      if constexpr (requires { Agg::kPersonalFields; }) {
        // A person's personal fields are stored only sealed, under the key
        // they have (FORMAT.md 7); on failure the field is left out.
        if (!privacy::SealPersonalFields(id, j["state"], /*create_key=*/false).ok()) {
          for (std::string_view f : Agg::kPersonalFields) j["state"][f] = "";
        }
      }
      j["id"] = id;
      out += j.dump();
      out += '\n';
      if (Status s = after_row(out); !s.ok()) return s.error();
    }
    return rows_.size();
  }
  // Replaces the table with the `count` rows of AppendSnapshotRows' output
  // `text`, read one line at a time. Any error (ErrorCode::kCorruption,
  // naming the row) leaves the table unchanged: a line that is not such a
  // row, ids not in ascending order, a count that differs.
  Status RestoreRows(std::string_view text, std::uint64_t count) {
    Rows rows;
    nlohmann::json j;  // reused: once warm, a row's parse allocates little
    while (!text.empty()) {
      const std::size_t end = text.find('\n');
      if (end == std::string_view::npos) return MakeError(ErrorCode::kCorruption, "a row has no end of line");
      ParseJsonInto(text.substr(0, end), j);
      text.remove_prefix(end + 1);
      auto bad = [&](std::string what) {
        return MakeError(ErrorCode::kCorruption, "row " + std::to_string(rows.size() + 1) + ": " + what);
      };
      if (!j.is_object()) return bad("not a JSON object");
      auto id = j.find("id"), version = j.find("version"), position = j.find("position"), state = j.find("state");
      if (id == j.end() || !id->is_string()) return bad("'id' is not a string");
      const std::string& key = id->get_ref<const std::string&>();
      if (!rows.empty() && !(rows.rbegin()->first < key)) return bad("'" + key + "' is not after the row before");
      if (version == j.end() || !version->is_number_unsigned()) return bad("'version' is not a count");
      if (position == j.end() || !position->is_number_unsigned()) return bad("'position' is not a count");
      if (state == j.end()) return bad("'state' is missing");
      auto slim = j.find("slim");
      if (slim != j.end() && !slim->is_boolean()) return bad("'slim' is not true or false");
      if constexpr (requires { Agg::kPersonalFields; }) privacy::OpenPersonalFields(key, *state);
      auto s = Agg::FromSnapshotJson(*state);
      if (!s.ok()) return bad("'" + key + "': " + std::move(s).error().message);
      auto row = std::make_shared<Row>(Row{std::move(*s), version->get<std::uint64_t>(),
                                           position->get<std::uint64_t>(),
                                           slim != j.end() && slim->get<bool>(), copies_, {}});
      // Packed again as when it was slimmed (pack keeps a slim state as it is).
      if (row->slim && pack_ != nullptr) pack_(row->state, row->packed);
      rows.emplace_hint(rows.end(), key, std::move(row));
    }
    if (rows.size() != count) {
      return MakeError(ErrorCode::kCorruption,
                       std::to_string(rows.size()) + " rows where " + std::to_string(count) + " were written");
    }
    rows_ = std::move(rows);
    if (track_changes_) TrackChanges();
    return {};
  }

  // The rows in memory (not the cold ones).
  std::size_t size() const { return rows_.size(); }
  void Clear() {
    rows_.clear();
    changed_.clear();
  }
  // Takes over `other`'s rows (no copies), for tables folded apart from
  // disjoint sets of streams; a row this table already has stays.
  void Absorb(EntityTable&& other) {
    rows_.merge(other.rows_);
    // Rows made under `other`'s count of copies: take every row for shared.
    copies_ = std::max(copies_, other.copies_) + 1;
    if (track_changes_) TrackChanges();
  }

  EntityTable() = default;
  // A table whose rows may be slimmed (SlimRowsBefore) with these (above);
  // unpack may be null when pack packs nothing.
  EntityTable(Pack pack, Unpack unpack) : pack_(pack), unpack_(unpack) {}
  // A copy (a snapshot's, rendered apart) shares the rows (see above) and
  // tracks no changes, whose entries would point into the original's map.
  // Both tables count the copy: neither writes a row they share. It reads
  // the same cold rows (which go on changing with the original's).
  EntityTable(const EntityTable& other)
      : rows_(other.rows_), copies_(++other.copies_), pack_(other.pack_), unpack_(other.unpack_),
        cold_(other.cold_) {}
  EntityTable& operator=(const EntityTable& other) {
    if (this == &other) return *this;
    rows_ = other.rows_;
    copies_ = std::max(copies_, ++other.copies_) + 1;
    pack_ = other.pack_;
    unpack_ = other.unpack_;
    cold_ = other.cold_;
    track_changes_ = false;
    changed_.clear();
    return *this;
  }
  // A move keeps the map's nodes, so the entries stay valid.
  EntityTable(EntityTable&&) noexcept = default;
  EntityTable& operator=(EntityTable&&) noexcept = default;

 private:
  using Rows = std::map<std::string, std::shared_ptr<Row>, std::less<>>;

  // The row at `it`, to change: first copied if it may be shared (made
  // before the latest copy). Every entry holds a row (Apply makes it first).
  Row& Writable(typename Rows::iterator it) {
    std::shared_ptr<Row>& row = it->second;
    if (row->made != copies_) {
      row = std::make_shared<Row>(*row);
      row->made = copies_;
    }
    return *row;
  }

  // A slim row's bytes in the cold rows (cold_rows.h, FORMAT.md 2.1).
  static std::string EncodeCold(const Row& row) {
    std::string out(1, kColdRowLayout);
    PutLeb128(out, row.version);
    PutLeb128(out, row.position);
    const std::string state = Agg::SnapshotJson(row.state).dump();
    PutLeb128(out, state.size());
    out += state;
    out += row.packed;
    return out;
  }
  // Reads EncodeCold's bytes into `row` (slim); false, counted as a failure,
  // if they do not read back.
  bool DecodeCold(std::string_view in, Row& row) const {
    if constexpr (!requires(const nlohmann::json& j) { Agg::FromSnapshotJson(j); }) {
      return false;  // a kind with no snapshot form never goes cold
    } else {
      std::uint64_t version = 0, position = 0, size = 0;
      bool ok = !in.empty() && in.front() == kColdRowLayout;
      if (ok) in.remove_prefix(1);
      ok = ok && GetLeb128(in, version) && GetLeb128(in, position) && GetLeb128(in, size) && size <= in.size();
      if (ok) {
        nlohmann::json j = ParseJson(in.substr(0, size));
        auto state = j.is_discarded() ? Result<State>(MakeError(ErrorCode::kCorruption, "not JSON"))
                                      : Agg::FromSnapshotJson(j);
        ok = state.ok();
        if (ok) {
          in.remove_prefix(size);
          row.state = std::move(*state);
          row.version = version;
          row.position = position;
          row.slim = true;
          row.packed.assign(in);
        }
      }
      if (!ok) cold_->CountFailure();
      return ok;
    }
  }

  nlohmann::json SnapshotRow(const Row& row) const {
    nlohmann::json state;
    if (!row.packed.empty() && unpack_ != nullptr) {
      State whole_in_form = row.state;
      unpack_(whole_in_form, row.packed);
      state = Agg::SnapshotJson(whole_in_form);
    } else {
      state = Agg::SnapshotJson(row.state);
    }
    nlohmann::json j = {{"state", std::move(state)}, {"version", row.version}, {"position", row.position}};
    if (row.slim) j["slim"] = true;
    return j;
  }

  Rows rows_;
  // How many copies have been taken of this table (or of the one it was
  // copied from, or absorbed): see Writable.
  mutable std::uint64_t copies_ = 0;
  // (last change's position, row's entry) of the rows changed since the last sweep,
  // oldest first; only while track_changes_ (TrackChanges). Holds about an
  // entry per event of the table's kind in the sweeper's window (the live
  // model's 1.25 x hot_events events).
  std::deque<std::pair<std::uint64_t, typename Rows::iterator>> changed_;
  bool track_changes_ = false;
  Pack pack_ = nullptr;
  Unpack unpack_ = nullptr;
  const ColdRows* cold_ = nullptr;  // where rows go cold, if they do (KeepColdRowsIn)
};

}  // namespace assure::api
