#include "api/operation_context.hpp"

namespace brandos::api {

application::OperationContext operation_context(const RequestContext& ctx) {
  application::OperationContext op;
  op.deadline = ctx.received_at + kRequestBudget;
  op.trace = {ctx.trace.trace_id_hex(), ctx.trace.span_id_hex()};
  op.request_id = ctx.request_id;
  op.client_ip = ctx.client_ip;
  return op;
}

application::OperationContext operation_context(const RequestContext& ctx,
                                                const application::Principal& principal) {
  application::OperationContext op = operation_context(ctx);
  op.tenant = principal.tenant_id;
  op.principal = principal;
  return op;
}

}  // namespace brandos::api
