#include "api/core/event_mapping.h"

#include "api/core/json_fast_parse.h"

#include "api/privacy/personal_data_vault.h"
#include "domain/json_text.h"
#include "domain/person.h"
#include "domain/upcast.h"
#include "storage/codec.h"

namespace assure::api {

namespace {

constexpr std::string_view kPersonPrefix = "person-";

// PersonRegistered and PersonDetailsUpdated hold personal fields; the
// erasure holds none.
bool CarriesPersonalData(std::string_view type) {
  return type == "PersonRegistered" || type == "PersonDetailsUpdated";
}

}  // namespace

domain::EventView MakeView(const storage::RecordedEvent& record, nlohmann::json& holder) {
  ParseJsonInto(record.data, holder);
  if (holder.is_discarded() || !holder.is_object()) holder = nlohmann::json::object();
  if (record.schema_version != domain::CurrentSchemaVersion(record.type)) {
    holder = domain::Upcast(record.type, record.schema_version, std::move(holder));
  }
  // Personal fields are read for meaning here and nowhere else: decrypted,
  // or the placeholder once the person's key is destroyed.
  if (record.stream_id.starts_with(kPersonPrefix) && CarriesPersonalData(record.type)) {
    privacy::OpenPersonalFields(std::string_view(record.stream_id).substr(kPersonPrefix.size()), holder);
  }
  domain::EventView v;
  v.position = record.position;
  v.stream_version = record.stream_version;
  v.stream_id = record.stream_id;
  v.type = record.type;
  v.schema_version = domain::CurrentSchemaVersion(record.type);
  v.data = &holder;
  v.actor = record.metadata.actor;
  v.reason = record.metadata.reason;
  v.recorded_at_us = record.recorded_at_us;
  return v;
}

storage::ProposedEvent ToProposed(const domain::NewEvent& event, const RequestContext& rc,
                                  std::string event_id) {
  storage::ProposedEvent p;
  p.event_id = std::move(event_id);
  p.type = event.type;
  p.schema_version = event.schema_version;
  p.data = event.data.dump();
  p.data_is_compact_object = event.data.is_object();
  p.metadata.actor = rc.actor;
  p.metadata.reason = event.reason;
  p.metadata.correlation_id = rc.correlation_id;
  p.metadata.source = rc.source;
  return p;
}

nlohmann::json ReadableData(const storage::RecordedEvent& record) {
  nlohmann::json data = domain::ParseJsonText(record.data);
  if (record.stream_id.starts_with(kPersonPrefix) && CarriesPersonalData(record.type)) {
    privacy::OpenPersonalFields(std::string_view(record.stream_id).substr(kPersonPrefix.size()), data);
  } else if (record.type == "TokenIssued" && data.is_object() && data.contains("name") && data["name"].is_string()) {
    // A token's label (FORMAT.md 7.5): "" once its details are removed.
    data["name"] = privacy::OpenTokenLabel(data.value("token_id", ""), data["name"].get<std::string>());
  }
  return data;
}

Result<storage::ProposedEvent> ToStoredEvent(const domain::NewEvent& event, const RequestContext& rc,
                                            std::string event_id) {
  if (!CarriesPersonalData(event.type)) return ToProposed(event, rc, std::move(event_id));
  domain::NewEvent sealed = event;
  const auto id = event.data.find("id");
  if (id == event.data.end() || !id->is_string()) {
    return MakeError(ErrorCode::kInternal, "a person's event without its id");
  }
  ASSURE_TRY(privacy::SealPersonalFields(id->get_ref<const std::string&>(), sealed.data));
  return ToProposed(sealed, rc, std::move(event_id));
}

std::string IdempotentEventId(const RequestContext& rc, std::size_t index) {
  std::string input = "assure-idempotency";
  for (const std::string* part : {&rc.actor, &rc.idempotency_key}) {
    input.push_back('\0');
    input += *part;
  }
  input.push_back('\0');
  input += std::to_string(index);
  storage::Hash256 h = storage::Sha256(input);
  storage::Uuid u;
  std::copy(h.begin(), h.begin() + 16, u.bytes.begin());
  u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0f) | 0x80);  // version 8
  u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);  // RFC variant
  return u.ToString();
}

}  // namespace assure::api
