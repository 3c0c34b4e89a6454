#pragma once
// Maps a use case's Failure to its problem+json response (status, type, headers).
#include "api/request_context.hpp"
#include "application/failure.hpp"

namespace brandos::api {

int status_of(application::FailureCode code);
HttpResponse render_failure(const application::Failure& failure, const RequestContext& ctx);

}  // namespace brandos::api
