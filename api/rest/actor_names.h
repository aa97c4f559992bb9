// The server's ActorNames (api/core/actor_names.h): people and organisations
// from the live read model, tokens from the token index.
#pragma once

#include <memory>

#include "api/auth/token_index.h"
#include "api/core/actor_names.h"
#include "api/core/projection_runner.h"
#include "api/queries/network_model.h"

namespace assure::api::rest {

class ReadModelActorNames final : public ActorNames {
 public:
  // `tokens` may be null (a token's id is then shown as it is).
  ReadModelActorNames(std::shared_ptr<ProjectionRunner> runner, std::shared_ptr<NetworkProjection> network,
                      const auth::TokenIndex* tokens)
      : runner_(std::move(runner)), network_(std::move(network)), tokens_(tokens) {}

  std::string NameOf(std::string_view actor) const override;
  std::string NameOfEntity(std::string_view kind, std::string_view id) const override;
  std::uint64_t Version() const override;
  bool CaughtUpTo(std::uint64_t position) const override { return runner_->position() >= position; }

 private:
  std::shared_ptr<ProjectionRunner> runner_;
  std::shared_ptr<NetworkProjection> network_;
  const auth::TokenIndex* tokens_;
};

}  // namespace assure::api::rest
