// The core's model fits timed on a customer table, for bench/fits_vs_scipy.py:
//   fits_driver FILE REPEAT
// FILE: CSV lines x,tx,T,zbar (no header). Prints one JSON object: the
// BG/NBD and Gamma-Gamma parameters, log-likelihoods and the best wall time
// of REPEAT calls of kpi::models::fit_bgnbd / fit_gg (the core alone: the
// table is read before timing starts).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "kpi/clvmodels.hpp"

using namespace kpi::models;

namespace {

template <class F>
double best_ms(int repeat, F&& f) {
    double best = 1e300;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

void print_fit(const char* name, const Fit& f, double ms) {
    std::printf("\"%s\": {\"ok\": %s, \"params\": [", name, f.error == kpi::Error::none ? "true" : "false");
    for (std::size_t i = 0; i < f.params.size(); ++i) std::printf("%s%.17g", i ? ", " : "", f.params[i]);
    std::printf("], \"ll\": %.17g, \"ms\": %.3f}", f.error == kpi::Error::none ? f.log_likelihood : 0.0, ms);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: fits_driver FILE REPEAT\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    const int repeat = std::max(1, std::atoi(argv[2]));
    std::vector<Customer> cs;
    std::vector<double> x, z;
    std::string line;
    while (std::getline(in, line)) {
        double v[4];
        if (std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3]) != 4) continue;
        cs.push_back({v[0], v[1], v[2]});
        x.push_back(v[0]);
        z.push_back(v[3]);
    }
    Fit bg, gg;
    const double bg_ms = best_ms(repeat, [&] { bg = fit_bgnbd(cs); });
    const double gg_ms = best_ms(repeat, [&] { gg = fit_gg(x, z); });
    std::printf("{\"rows\": %zu, ", cs.size());
    print_fit("bgnbd", bg, bg_ms);
    std::printf(", ");
    print_fit("gg", gg, gg_ms);
    std::printf("}\n");
    return 0;
}
