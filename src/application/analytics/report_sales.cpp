#include "application/analytics/report_sales.hpp"

namespace brandos::application {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000;
constexpr std::int64_t kMaxBuckets = 1000;

}  // namespace

asio::awaitable<Outcome<SalesReport>> ReportSales::operator()(const OperationContext& ctx,
                                                              const SalesQuery& query) const {
  if (!domain::has_permission(ctx.actor().role, domain::Permission::analytics_read))
    co_return std::unexpected(failures::forbidden());
  if (query.to_us <= query.from_us)
    co_return std::unexpected(failures::validation({{"to", "must be after from"}}));
  const std::int64_t bucket = query.granularity == SalesGranularity::hour ? kHourUs : 24 * kHourUs;
  if ((query.to_us - query.from_us) / bucket > kMaxBuckets)
    co_return std::unexpected(failures::validation(
        {{"from", "the range may hold at most 1000 buckets of the granularity"}}));
  auto uow = data_.begin(ctx, Access::read);
  co_return co_await uow->sales().report(query.from_us, query.to_us, query.granularity);
}

}  // namespace brandos::application
