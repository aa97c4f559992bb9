// Tests' shorthand: one command through a writer of its own over `store`
// (the server has one writer for its life; a test that only needs a command
// written uses this).
#pragma once

#include "api/core/entity_writer.h"

namespace assure::api {

template <class Agg>
Result<WriteResult> Execute(storage::EventStore& store, std::string_view id,
                            const typename Agg::Command& command, const RequestContext& rc) {
  EntityWriter writer(std::shared_ptr<storage::EventStore>(&store, [](storage::EventStore*) {}));
  return Execute<Agg>(writer, id, command, rc);
}

}  // namespace assure::api
