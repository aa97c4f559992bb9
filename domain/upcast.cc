#include "domain/upcast.h"

#include "domain/deliverable_status.h"
#include "domain/json_read.h"
#include "domain/mm_qsin_reference.h"
#include "domain/ragb.h"
#include "domain/seed_date.h"
#include "domain/seed_status.h"

namespace assure::domain {
namespace {

struct SchemaVersion {
  std::string_view type;
  std::uint32_t version;
};

// Types not listed are at version 1.
constexpr SchemaVersion kVersions[] = {
    {"DeliverableCreated", 2},
};

nlohmann::json DeliverableCreatedV1ToV2(nlohmann::json data) {
  for (const char* key : {"date_initiated", "planned_end", "date_completed"}) {
    const nlohmann::json& v = GetMember(data, key);
    if (v.is_string()) {
      data[key] = SeedDateToJson(ParseSeedDate(v.get<std::string>()));
    } else if (!v.is_object()) {
      data[key] = SeedDateToJson(SeedDate{});
    }
  }
  const std::string raw = GetStr(data, "mm_qsin_reference");
  data.erase("mm_qsin_reference");
  data["mm_qsin"] = MmQsinToJson(ParseMmQsinReference(raw));
  // v1 allowed seed words for the rating and status.
  const std::string ragb = GetStr(data, "ragb");
  if (!ragb.empty() && !ValueOf(kRagbNames, ragb)) {
    auto parsed = ParseSeedStatus(ragb).ragb;
    data["ragb"] = parsed ? nlohmann::json(NameOf(kRagbNames, *parsed)) : nlohmann::json(nullptr);
  }
  const std::string status = GetStr(data, "status");
  if (!ValueOf(kDeliverableStatusNames, status)) {
    auto parsed = ParseSeedStatus(status).status;
    data["status"] = NameOf(kDeliverableStatusNames, parsed.value_or(DeliverableStatus::kPlanned));
  }
  return data;
}

}  // namespace

std::uint32_t CurrentSchemaVersion(std::string_view type) {
  for (const auto& v : kVersions) {
    if (v.type == type) return v.version;
  }
  return 1;
}

nlohmann::json Upcast(std::string_view type, std::uint32_t from_version, nlohmann::json data) {
  if (!data.is_object()) return data;
  std::uint32_t version = from_version == 0 ? 1 : from_version;
  if (type == "DeliverableCreated" && version == 1) {
    data = DeliverableCreatedV1ToV2(std::move(data));
    version = 2;
  }
  return data;
}

}  // namespace assure::domain
