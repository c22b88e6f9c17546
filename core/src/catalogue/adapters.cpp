#include "adapters.hpp"

#include "kpi/args.hpp"
#include "kpi/kpi.hpp"

namespace kpi::adapters {

Output nps(Args a) {
    const NpsCounts c = nps_counts(*a[0]);
    if (c.error != Error::none) return Output::scalar(Result::fail(c.error));
    return Output::scalar(npscount(c.promoters, c.passives, c.detractors));
}

Output nps_counted(Args a, std::span<const std::int64_t> counts) {
    const NpsCounts c = nps_counts(*a[0], counts);
    if (c.error != Error::none) return Output::scalar(Result::fail(c.error));
    return Output::scalar(npscount(c.promoters, c.passives, c.detractors));
}

Output time_to_close(Args a) {
    // The optional 4th argument keeps the won deals only (omitted: every row).
    const Pairs p = pairs(*a[0], *a[1], *a[3]);
    if (p.error != Error::none) return Output::scalar(Result::fail(p.error));
    const Result stat = optional_number(*a[2], 0.0);
    if (!stat.ok()) return Output::scalar(stat);
    if (stat.value != 0.0 && stat.value != 1.0) return Output::scalar(Result::fail(Error::num));
    return Output::scalar(kpi::time_to_close(p.first, p.second, stat.value == 1.0 ? Statistic::median : Statistic::mean));
}

Output score_auc(Args a) {
    const Pairs p = pairs(*a[0], *a[1]);
    if (p.error != Error::none) return Output::scalar(Result::fail(p.error));
    return Output::scalar(kpi::score_auc(p.first, p.second));
}

Output score_auc_counted(Args a, std::span<const std::int64_t> counts) {
    const Pairs p = pairs_counted(*a[0], *a[1], counts);
    if (p.error != Error::none) return Output::scalar(Result::fail(p.error));
    return Output::scalar(kpi::score_auc(p.first, p.second, p.weights));
}

Output funnel(Args a) {
    const Line l = line(*a[0]);
    if (l.error != Error::none) return Output::scalar(Result::fail(l.error));
    std::vector<Result> cells = kpi::funnel(l.values);
    const std::size_t n = cells.size();
    return l.is_row ? Output{1, n, std::move(cells)} : Output{n, 1, std::move(cells)};
}

}  // namespace kpi::adapters
