// Between storage records and the domain's view of events.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "domain/event.h"
#include "storage/types.h"

namespace assure::api {

// Who asks, and how: filled by the transport from authentication and headers.
struct RequestContext {
  std::string actor;           // principal id; never taken from a request body
  std::string correlation_id;
  std::string source = "api";  // e.g. "api", "cli", "import:wmin.csv"
  std::int64_t now_us = 0;     // the server clock when the request arrived
  // If-Match: the stream version the client last saw.
  std::optional<std::uint64_t> if_match;
  // Idempotency-Key: a retry with the same key returns the first result.
  std::string idempotency_key;
};

// Parses and upcasts a stored event's data into `holder` and returns a view
// of the event over `record` and `holder` (both must outlive the view).
// Every read of an event for its meaning passes here: a person's personal
// fields are decrypted here (api/privacy), or read as the placeholder
// (domain::kErasedPersonName for a name) once the person's key is gone.
domain::EventView MakeView(const storage::RecordedEvent& record, nlohmann::json& holder);

// A storage event from a domain event, with metadata from the request.
storage::ProposedEvent ToProposed(const domain::NewEvent& event, const RequestContext& rc,
                                  std::string event_id);

// A stored event's data for people to read (the events API, the live feed):
// parsed (discarded when it is not JSON), a person's personal fields opened
// as MakeView opens them, not upcast.
nlohmann::json ReadableData(const storage::RecordedEvent& record);

// ToProposed for an event about to be stored: a person's personal fields
// sealed under the person's data key (created on first use) when a
// vault is installed (api/privacy/personal_data_vault.h). Every write of a
// command's events passes here.
Result<storage::ProposedEvent> ToStoredEvent(const domain::NewEvent& event, const RequestContext& rc,
                                            std::string event_id);

// Deterministic event ids for an Idempotency-Key: the same actor, key and
// index give the same UUID (version 8, from SHA-256), so the store's own
// idempotency recognises a retried request.
std::string IdempotentEventId(const RequestContext& rc, std::size_t index);

}  // namespace assure::api
