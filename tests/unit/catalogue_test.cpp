// The catalogue's integrity (what Calc and the docs rely on), and the core's
// safety from several threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "kpi/catalogue.hpp"

using namespace kpi;

namespace {
std::string upper(std::string_view s) {
    std::string u(s);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
}

// The rule between display and stored names. Calc stores an add-in call as
// KPI.<METHOD>; UNO method names cannot hold dots, so a display name with
// inner dots (KPI.BGNBD.FIT) is stored without them (KPI.BGNBDFIT). For
// every other function the two are the same.
std::string stored_name(std::string_view display) {
    std::string out(display.substr(0, 4));  // "KPI."
    for (char c : display.substr(4))
        if (c != '.') out += c;
    return out;
}
}  // namespace

TEST(Catalogue, HasTheContractedFunctions) {
    // The names and argument lists of issue #3's catalogue are a contract.
    const std::vector<std::pair<std::string, std::vector<std::string>>> contract = {
        {"KPI.CPL", {"cost", "leads"}},
        {"KPI.CPA", {"cost", "acquisitions"}},
        {"KPI.CAC", {"cost", "new_customers"}},
        {"KPI.CPC", {"cost", "clicks"}},
        {"KPI.CPM", {"cost", "impressions"}},
        {"KPI.CTR", {"clicks", "impressions"}},
        {"KPI.CONVRATE", {"conversions", "visitors"}},
        {"KPI.ROI", {"return", "investment"}},
        {"KPI.ROAS", {"revenue", "ad_spend"}},
        {"KPI.GROWTH", {"current", "previous"}},
        {"KPI.SHARE", {"part", "total"}},
        {"KPI.OPENRATE", {"opens", "delivered"}},
        {"KPI.CTOR", {"clicks", "opens"}},
        {"KPI.UNSUBRATE", {"unsubscribes", "delivered"}},
        {"KPI.BOUNCERATE", {"bounces", "sent"}},
        {"KPI.ENGAGEMENT", {"engagements", "impressions"}},
        {"KPI.MQL2SQL", {"sqls", "mqls"}},
        {"KPI.RETENTION", {"customers_end", "new_customers", "customers_start"}},
        {"KPI.CHURN", {"customers_lost", "customers_start"}},
        {"KPI.AOV", {"revenue", "orders"}},
        {"KPI.ARPU", {"revenue", "users"}},
        {"KPI.CLV", {"average_order_value", "purchase_frequency", "lifespan", "gross_margin"}},
        {"KPI.CLVRET", {"margin", "retention_rate", "discount_rate", "first_margin_now"}},
        {"KPI.LTV2CAC", {"clv", "cac"}},
        {"KPI.PAYBACK", {"cac", "monthly_revenue_per_customer", "gross_margin"}},
        {"KPI.NPS", {"scores"}},
        {"KPI.NPSCOUNT", {"promoters", "passives", "detractors"}},
        {"KPI.TIMETOCLOSE", {"first_contact_dates", "close_dates", "statistic", "won"}},  // won: issue 14
        {"KPI.SCOREAUC", {"scores", "converted"}},
        {"KPI.FUNNEL", {"stage_counts"}},
        // Issue #8, predictive CLV (stored as KPI.BGNBDFIT, ... : see stored_name).
        {"KPI.BGNBD.FIT", {"frequency", "recency", "age"}},
        {"KPI.BGNBD.EXPECTED", {"params", "t", "frequency", "recency", "age"}},
        {"KPI.BGNBD.PALIVE", {"params", "frequency", "recency", "age"}},
        {"KPI.GG.FIT", {"frequency", "average_value"}},
        {"KPI.GG.SPEND", {"params", "frequency", "average_value"}},
        {"KPI.CLV.PREDICT", {"bgnbd_params", "gg_params", "frequency", "recency", "age", "average_value", "horizon",
                             "discount_rate", "units_per_period"}},
        {"KPI.SBG.FIT", {"survivors"}},
        {"KPI.SBG.RETENTION", {"alpha", "beta", "t"}},
        {"KPI.SBG.SURVIVAL", {"alpha", "beta", "t"}},
        // Issue 14, definitions round 2.
        {"KPI.WINRATE", {"won", "lost"}},
        {"KPI.PIPECOVERAGE", {"pipeline", "quota"}},
        {"KPI.ROMI", {"incremental_revenue", "gross_margin", "marketing_cost"}},
        {"KPI.BREAKEVENROAS", {"gross_margin"}},
        {"KPI.FREQUENCY", {"impressions", "reach"}},
        {"KPI.GRP", {"impressions", "population"}},
        {"KPI.VIEWRATE", {"views", "impressions"}},
        {"KPI.CPV", {"cost", "views"}},
        {"KPI.LIFT", {"conversions_test", "visitors_test", "conversions_control", "visitors_control"}},
        {"KPI.ABPVALUE", {"conversions_a", "visitors_a", "conversions_b", "visitors_b"}},
        {"KPI.NRR", {"revenue_start", "expansion", "contraction", "churned"}},
        {"KPI.COHORT", {"customers", "dates", "period_days", "as_of"}},  // as_of: issue 24
        // Issue 24, statistics.
        {"KPI.GRR", {"revenue_start", "contraction", "churned"}},
        {"KPI.QUICKRATIO", {"new_revenue", "expansion", "contraction", "churned"}},
        {"KPI.INCREMENTAL", {"conv_exposed", "n_exposed", "conv_holdout", "n_holdout"}},
        {"KPI.NPSMOE", {"promoters", "passives", "detractors", "confidence"}},
        {"KPI.ABSAMPLESIZE", {"baseline_rate", "relative_lift", "alpha", "power", "one_sided"}},
        {"KPI.ABMDE", {"visitors_per_variant", "baseline_rate", "alpha", "power"}},
        {"KPI.RATECI", {"successes", "trials", "confidence"}},
        {"KPI.LIFTCI", {"conv_variant", "visitors_variant", "conv_control", "visitors_control", "confidence"}},
        {"KPI.RFM", {"recency_days", "frequency", "monetary", "bins"}},
        {"KPI.COHORT.REVENUE", {"customers", "dates", "amounts", "period_days", "as_of"}},
    };
    // The contract, plus KPI.MAP (the column-at-once form of the others).
    EXPECT_EQ(catalogue().size(), contract.size() + 1);
    EXPECT_NE(find_name("KPI.MAP"), nullptr);
    for (const auto& [name, args] : contract) {
        const FunctionInfo* f = find_name(name);
        ASSERT_NE(f, nullptr) << name;
        ASSERT_EQ(f->args.size(), args.size()) << name;
        for (std::size_t i = 0; i < args.size(); ++i) {
            EXPECT_EQ(f->args[i].name, args[i]) << name;
            EXPECT_EQ(f->args[i].display.en, args[i]) << name;
        }
    }
}

TEST(Catalogue, EveryEntryIsComplete) {
    std::set<std::string_view> methods, names;
    for (const FunctionInfo& f : catalogue()) {
        SCOPED_TRACE(std::string(f.name));
        EXPECT_TRUE(methods.insert(f.method).second) << "duplicate method";
        EXPECT_TRUE(names.insert(f.name).second) << "duplicate name";
        // Stored name = "KPI." + upper(method) = the display name without its inner dots.
        EXPECT_EQ(std::string(f.name.substr(0, 4)), "KPI.");
        EXPECT_EQ(stored_name(f.name), "KPI." + upper(f.method));
        for (char c : f.method) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)));
        EXPECT_FALSE(f.description.en.empty());
        EXPECT_FALSE(f.description.fr.empty());
        EXPECT_NE(f.description.en, f.description.fr);
        EXPECT_FALSE(f.definition.en.empty());
        EXPECT_FALSE(f.definition.fr.empty()) << f.name << ": a definition without its French (texts.toml definition.fr)";
        EXPECT_FALSE(f.unit.en.empty());
        // The reference, the Insert dialog and the wizard show these in French too: no English fallback.
        for (const Text* t : {&f.unit, &f.div0, &f.domain, &f.note, &f.source})
            EXPECT_EQ(t->en.empty(), t->fr.empty()) << f.name << ": a documentation text without its French (texts.toml)";
        EXPECT_NE(f.shape, Shape::unclassified) << "every function has a shape (kpi-audit and portable copies read it)";
        EXPECT_FALSE(f.family.empty());
        EXPECT_FALSE(family_name(f.family).en.empty());
        EXPECT_FALSE(family_name(f.family).fr.empty());
        EXPECT_FALSE(f.source.en.empty());
        EXPECT_FALSE(f.example.empty());
        EXPECT_FALSE(f.example_result.empty());
        EXPECT_TRUE((f.scalar != nullptr) != (f.eval != nullptr)) << "exactly one evaluator";
        EXPECT_TRUE(f.returns == Returns::number || f.eval != nullptr) << "arrays need eval";
        if (f.scalar) {
            EXPECT_LE(f.args.size(), 8u);  // evaluate()'s fixed buffer
        }
        bool seen_optional = false;
        for (const ArgInfo& a : f.args) {
            EXPECT_FALSE(a.display.fr.empty());
            EXPECT_FALSE(a.description.en.empty());
            EXPECT_FALSE(a.description.fr.empty());
            EXPECT_TRUE(!seen_optional || a.optional) << "optional arguments come last";
            seen_optional |= a.optional;
        }
    }
}

// The strings table (core/catalogue/texts.toml) holds the words of the
// functions there are and nothing else: a key of a function that does not
// exist, or of an argument it does not have, is a typo that would leave a
// text silently unused.
TEST(Catalogue, EveryTextBelongsToSomething) {
    std::set<std::string> known;
    for (const FunctionInfo& f : catalogue()) {
        known.insert(std::string(f.method));
        for (const ArgInfo& a : f.args) known.insert(std::string(f.method) + ".args." + std::string(a.name));
    }
    std::set<std::string_view> arg_names;
    for (const FunctionInfo& f : catalogue())
        for (const ArgInfo& a : f.args) arg_names.insert(a.name);
    for (std::string_view key : text_keys()) {
        SCOPED_TRACE(std::string(key));
        const std::string k(key);
        const auto first = k.substr(0, k.find('.'));
        if (first == "families" || first == "inputs") continue;
        if (first == "args") {  // shared argument texts: some function has that argument
            const auto rest = k.substr(5);
            EXPECT_TRUE(arg_names.count(rest.substr(0, rest.find('.')))) << "no function has this argument";
            continue;
        }
        const auto args = k.find(".args.");
        const std::string owner = args == std::string::npos ? first : k.substr(0, k.find('.', args + 6));
        EXPECT_TRUE(known.count(owner)) << "no such function or argument in the catalogue";
    }
}

namespace {
// The words of a definition: runs of ASCII letters, digits and '_' and of the
// accented letters French writes (UTF-8 pairs led by 0xC3, but not × and ÷;
// œ); everything else (spaces, operators, Greek letters, subscripts, −, ·)
// separates them. Numbers are left out.
std::vector<std::string> words_of(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty() && cur.find_first_not_of("0123456789") != std::string::npos) out.push_back(cur);
        cur.clear();
    };
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        if (std::isalnum(c) || c == '_') {
            cur += s[i++];
        } else if ((c == 0xC3 && next >= 0x80 && next != 0x97 && next != 0xB7) || (c == 0xC5 && (next == 0x92 || next == 0x93))) {
            cur.append(s.substr(i, 2));
            i += 2;
        } else {
            flush();
            ++i;
        }
    }
    flush();
    return out;
}

// A maths symbol, not a name: one letter (x, T, r) or a letter with an
// ASCII subscript (p_b, n_last).
bool maths_symbol(const std::string& w) {
    const auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
    return (w.size() == 1 && letter(w[0])) || (w.size() > 2 && letter(w[0]) && w[1] == '_');
}
}  // namespace

// A definition names the arguments as the wizard shows them in its language
// (cost / leads, coût / leads), so a French reader finds them in the syntax
// line: a formula written over the English names is written over the French
// ones alone; a worded one names the same arguments in both languages, and
// any name_with_underscores in it is an argument of the function. Renaming
// an argument's French name without its definitions fails here.
TEST(Catalogue, DefinitionsUseTheArgumentNamesOfTheirLanguage) {
    for (const FunctionInfo& f : catalogue()) {
        SCOPED_TRACE(std::string(f.name) + " (texts.toml " + std::string(f.method) + ".definition)");
        std::set<std::string> en_names, fr_names;
        for (const ArgInfo& a : f.args) {
            en_names.insert(std::string(a.display.en));
            fr_names.insert(std::string(a.display.fr));
        }
        const auto en = words_of(f.definition.en), fr = words_of(f.definition.fr);
        for (const auto& [words, names, lang] : {std::tuple{&en, &en_names, "en"}, std::tuple{&fr, &fr_names, "fr"}}) {
            for (const std::string& w : *words) {
                if (w.find('_') != std::string::npos && !maths_symbol(w)) {
                    EXPECT_TRUE(names->count(w)) << lang << ": '" << w << "' is not an argument of the function";
                }
            }
        }
        const bool formula = std::all_of(en.begin(), en.end(),
                                         [&](const std::string& w) { return en_names.count(w) || maths_symbol(w); });
        if (formula) {
            for (const std::string& w : fr) {
                EXPECT_TRUE(fr_names.count(w) || maths_symbol(w))
                    << "fr: '" << w << "' in a formula is not a French argument name (" << f.definition.fr << ")";
            }
        }
        for (const ArgInfo& a : f.args) {
            const bool in_en = std::find(en.begin(), en.end(), a.display.en) != en.end();
            const bool in_fr = std::find(fr.begin(), fr.end(), a.display.fr) != fr.end();
            EXPECT_EQ(in_en, in_fr) << "argument " << a.display.en << " / " << a.display.fr
                                    << " named in one language's definition only";
        }
    }
}

TEST(Catalogue, InputKindsNameRealArguments) {
    std::set<std::string_view> arg_names;
    for (const FunctionInfo& f : catalogue())
        for (const ArgInfo& a : f.args) arg_names.insert(a.name);
    EXPECT_GE(input_kinds().size(), 10u);
    for (const InputKind& k : input_kinds()) {
        SCOPED_TRACE(std::string(k.kind));
        EXPECT_FALSE(k.words.en.empty() && k.words.fr.empty());
        for (std::string_view a : k.args) EXPECT_TRUE(arg_names.count(a));
    }
}

TEST(Catalogue, LookUps) {
    EXPECT_EQ(find_name("kpi.cpl"), find_method("cpl"));
    EXPECT_EQ(find_name("KPI.NOPE"), nullptr);
    EXPECT_EQ(find_method("CPL"), nullptr);  // methods are exact
    EXPECT_EQ(find_name("kpi.bgnbd.fit"), find_method("bgnbdfit"));
    EXPECT_EQ(stored_name("KPI.CLV.PREDICT"), "KPI.CLVPREDICT");
    EXPECT_EQ(stored_name("KPI.CPL"), "KPI.CPL");
}

TEST(Threads, ConcurrentCallsAgreeWithSerialOnes) {
    // The core keeps no mutable state: many threads evaluating the same
    // functions must get exactly the serial results.
    std::vector<double> scores, outcome;
    for (int i = 0; i < 2000; ++i) {
        scores.push_back(i % 97);
        outcome.push_back(i % 7 == 0 ? 1 : 0);
    }
    Grid s = Grid::column(scores), y = Grid::column(outcome), cost = Grid::column(scores), leads(40.0);
    const FunctionInfo& auc = *find_name("KPI.SCOREAUC");
    const FunctionInfo& cpl = *find_name("KPI.CPL");
    const ArgView* auc_args[] = {&s, &y};
    const ArgView* cpl_args[] = {&cost, &leads};
    const double auc_serial = evaluate(auc, auc_args).single().value;
    const double cpl_serial = evaluate(cpl, cpl_args).single().value;

    std::vector<std::thread> threads;
    std::vector<int> mismatches(8, 0);
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                if (evaluate(auc, auc_args).single().value != auc_serial) ++mismatches[t];
                if (evaluate(cpl, cpl_args).single().value != cpl_serial) ++mismatches[t];
            }
        });
    for (auto& th : threads) th.join();
    for (int m : mismatches) EXPECT_EQ(m, 0);
}
