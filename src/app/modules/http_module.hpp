#pragma once
// The public HTTP listener: per I/O thread a router with every module's routes, the middleware
// chain and a server on the shared SO_REUSEPORT port. begin_stop() stops accepting;
// requests in flight are still answered.
#include <memory>
#include <vector>

#include "api/http_server.hpp"
#include "api/middleware.hpp"
#include "app/config.hpp"
#include "app/module.hpp"
#include "app/modules/identity_module.hpp"
#include "app/runtime.hpp"

namespace brandos::app {

api::ProtocolErrorRenderer make_protocol_error_renderer(application::IdGenerator& ids);

class HttpModule final : public Module {
 public:
  HttpModule(const Config& config, Runtime& runtime, DatabaseModule& database,
             IdentityModule& identity, std::vector<RouteSource*> sources,
             api::RequestObserver& observer, api::OpenConnections& open_connections,
             application::IdGenerator& ids)
      : config_(config),
        runtime_(runtime),
        database_(database),
        identity_(identity),
        sources_(std::move(sources)),
        observer_(observer),
        open_(open_connections),
        ids_(ids) {}
  std::string_view name() const override { return "http"; }
  void start() override;
  void begin_stop() override;
  void stop() override;

  unsigned short port() const { return port_; }
  // What the listener serves (for the admin /routes page).
  std::shared_ptr<const api::Router> router(int thread) const {
    return threads_.at(static_cast<std::size_t>(thread)).router;
  }

 private:
  struct PerThread {
    std::shared_ptr<api::Router> router;
    std::unique_ptr<api::HttpApplication> app;
    std::unique_ptr<api::HttpServer> server;
  };
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  IdentityModule& identity_;
  std::vector<RouteSource*> sources_;
  api::RequestObserver& observer_;
  api::OpenConnections& open_;
  application::IdGenerator& ids_;
  unsigned short port_ = 0;
  std::vector<PerThread> threads_;
};

}  // namespace brandos::app
