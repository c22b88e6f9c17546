// The catalogue of functions. Read catalogue.hpp first.
//
// Each entry's `method` is stored in every saved document (as KPI.<METHOD>):
// once released, never rename it, never change its arguments' order.
#include "kpi/catalogue.hpp"

#include <algorithm>
#include <cctype>

#include "kpi/args.hpp"
#include "kpi/kpi.hpp"
#include "kpi/map.hpp"
#include "clvmodels_eval.hpp"
#include "kpi/clvmodels.hpp"

namespace kpi {
namespace {

// --- argument shorthands ---------------------------------------------------
ArgInfo amount_arg(std::string_view name, Text display, Text description) {
    return ArgInfo{name, display, description, ArgKind::amount, false, 0.0};
}
ArgInfo number_arg(std::string_view name, Text display, Text description) {
    return ArgInfo{name, display, description, ArgKind::number, false, 0.0};
}
ArgInfo optional_number_arg(std::string_view name, Text display, Text description, double fallback) {
    return ArgInfo{name, display, description, ArgKind::number, true, fallback};
}
ArgInfo range_arg(std::string_view name, Text display, Text description) {
    return ArgInfo{name, display, description, ArgKind::range, false, 0.0};
}

// Arguments that recur with the same meaning.
const ArgInfo kCost = amount_arg("cost", {"cost", "coût"},
    {"Marketing cost: a number or a range, summed.", "Coût marketing : un nombre ou une plage, additionnée."});
const ArgInfo kImpressions = amount_arg("impressions", {"impressions", "impressions"},
    {"Number of impressions (ad or post views).", "Nombre d'impressions (affichages de l'annonce ou de la publication)."});
const ArgInfo kDelivered = amount_arg("delivered", {"delivered", "délivrés"},
    {"Number of e-mails delivered (sent minus bounces).", "Nombre d'e-mails délivrés (envoyés moins les rebonds)."});
const ArgInfo kRevenue = amount_arg("revenue", {"revenue", "chiffre_affaires"},
    {"Revenue over the period.", "Chiffre d'affaires de la période."});
const ArgInfo kNewCustomers = amount_arg("new_customers", {"new_customers", "nouveaux_clients"},
    {"Number of new customers won over the period.", "Nombre de nouveaux clients gagnés sur la période."});
const ArgInfo kCustomersStart = amount_arg("customers_start", {"customers_start", "clients_début"},
    {"Number of customers at the start of the period.", "Nombre de clients au début de la période."});
const ArgInfo kGrossMargin = optional_number_arg("gross_margin", {"gross_margin", "marge_brute"},
    {"Gross margin as a fraction from 0 to 1 (0.3 = 30 %); 1 if omitted.",
     "Marge brute en fraction de 0 à 1 (0,3 = 30 %) ; 1 si omise."}, 1.0);

// --- evaluators of the functions that read ranges cell by cell --------------
Output eval_nps(Args a) {
    const NpsCounts c = nps_counts(*a[0]);
    if (c.error != Error::none) return Output::scalar(Result::fail(c.error));
    return Output::scalar(npscount(c.promoters, c.passives, c.detractors));
}

Output eval_time_to_close(Args a) {
    const Pairs p = pairs(*a[0], *a[1]);
    if (p.error != Error::none) return Output::scalar(Result::fail(p.error));
    const Result stat = optional_number(*a[2], 0.0);
    if (!stat.ok()) return Output::scalar(stat);
    if (stat.value != 0.0 && stat.value != 1.0) return Output::scalar(Result::fail(Error::num));
    return Output::scalar(time_to_close(p.first, p.second, stat.value == 1.0 ? Statistic::median : Statistic::mean));
}

Output eval_score_auc(Args a) {
    const Pairs p = pairs(*a[0], *a[1]);
    if (p.error != Error::none) return Output::scalar(Result::fail(p.error));
    return Output::scalar(score_auc(p.first, p.second));
}

Output eval_funnel(Args a) {
    const Line l = line(*a[0]);
    if (l.error != Error::none) return Output::scalar(Result::fail(l.error));
    std::vector<Result> cells = funnel(l.values);
    const std::size_t n = cells.size();
    return l.is_row ? Output{1, n, std::move(cells)} : Output{n, 1, std::move(cells)};
}

std::vector<FunctionInfo> build() {
    std::vector<FunctionInfo> t;

    t.push_back({.method = "cpl", .name = "KPI.CPL",
        .description = {"Cost per lead: cost divided by the number of leads.",
                        "Coût par lead : coût divisé par le nombre de leads."},
        .args = {kCost, amount_arg("leads", {"leads", "leads"},
                    {"Number of leads generated: a number or a range, summed.",
                     "Nombre de leads générés : un nombre ou une plage, additionnée."})},
        .scalar = [](std::span<const double> x) { return cpl(x[0], x[1]); },
        .definition = "cost / leads", .unit = "currency per lead",
        .div0 = "leads is 0",
        .source = "Farris, Bendle, Pfeifer, Reibstein, *Marketing Metrics* (2nd ed., 2010), ch. 9 (cost per customer acquired / per lead)",
        .note = "A yearly CPL over a range is total cost / total leads, not the average of monthly CPLs.",
        .example = "=KPI.CPL(30000; 200)", .example_result = "150"});

    t.push_back({.method = "cpa", .name = "KPI.CPA",
        .description = {"Cost per acquisition: cost divided by the number of acquisitions (conversions or sales).",
                        "Coût par acquisition : coût divisé par le nombre d'acquisitions (conversions ou ventes)."},
        .args = {kCost, amount_arg("acquisitions", {"acquisitions", "acquisitions"},
                    {"Number of acquisitions (conversions or sales).", "Nombre d'acquisitions (conversions ou ventes)."})},
        .scalar = [](std::span<const double> x) { return cpa(x[0], x[1]); },
        .definition = "cost / acquisitions", .unit = "currency per acquisition",
        .div0 = "acquisitions is 0",
        .source = "Google Ads Help, \"Cost per acquisition (CPA): Definition\"",
        .note = "Ad platforms count an acquisition as a tracked conversion; finance teams often count paying customers only (see KPI.CAC).",
        .example = "=KPI.CPA(12000; 80)", .example_result = "150"});

    t.push_back({.method = "cac", .name = "KPI.CAC",
        .description = {"Customer acquisition cost: sales and marketing cost divided by the number of new customers.",
                        "Coût d'acquisition client : coûts commerciaux et marketing divisés par le nombre de nouveaux clients."},
        .args = {kCost, kNewCustomers},
        .scalar = [](std::span<const double> x) { return cac(x[0], x[1]); },
        .definition = "cost / new_customers", .unit = "currency per customer",
        .div0 = "new_customers is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 5 (average acquisition cost); D. Skok, \"SaaS Metrics 2.0\"",
        .note = "Include all sales and marketing cost of the period (salaries, tools, media), not media spend alone.",
        .example = "=KPI.CAC(50000; 125)", .example_result = "400"});

    t.push_back({.method = "cpc", .name = "KPI.CPC",
        .description = {"Cost per click: cost divided by the number of clicks.",
                        "Coût par clic : coût divisé par le nombre de clics."},
        .args = {kCost, amount_arg("clicks", {"clicks", "clics"},
                    {"Number of clicks.", "Nombre de clics."})},
        .scalar = [](std::span<const double> x) { return cpc(x[0], x[1]); },
        .definition = "cost / clicks", .unit = "currency per click",
        .div0 = "clicks is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 9 (cost per click); Google Ads Help, \"Average cost-per-click\"",
        .example = "=KPI.CPC(1250; 5000)", .example_result = "0.25"});

    t.push_back({.method = "cpm", .name = "KPI.CPM",
        .description = {"Cost per thousand impressions: 1000 times cost divided by impressions.",
                        "Coût pour mille impressions : 1000 fois le coût divisé par les impressions."},
        .args = {kCost, kImpressions},
        .scalar = [](std::span<const double> x) { return cpm(x[0], x[1]); },
        .definition = "1000 × cost / impressions", .unit = "currency per 1,000 impressions",
        .div0 = "impressions is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 9 (cost per thousand impressions)",
        .example = "=KPI.CPM(600; 200000)", .example_result = "3"});

    t.push_back({.method = "ctr", .name = "KPI.CTR",
        .description = {"Click-through rate: clicks divided by impressions (for e-mail, pass delivered e-mails).",
                        "Taux de clics : clics divisés par les impressions (pour l'e-mail, passer les e-mails délivrés)."},
        .args = {amount_arg("clicks", {"clicks", "clics"}, {"Number of clicks.", "Nombre de clics."}),
                 amount_arg("impressions", {"impressions", "impressions"},
                    {"Number of impressions, or of delivered e-mails for an e-mail CTR.",
                     "Nombre d'impressions, ou d'e-mails délivrés pour un taux de clics e-mail."})},
        .scalar = [](std::span<const double> x) { return ctr(x[0], x[1]); },
        .definition = "clicks / impressions", .unit = "fraction (format as %)",
        .div0 = "impressions is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 9 (click-through rate); Google Ads Help, \"Clickthrough rate (CTR)\"",
        .note = "E-mail tools compute CTR over delivered e-mails (some over sent); pass the base you report on. Clicks per open is KPI.CTOR.",
        .example = "=KPI.CTR(150; 10000)", .example_result = "0.015"});

    t.push_back({.method = "convrate", .name = "KPI.CONVRATE",
        .description = {"Conversion rate: conversions divided by visitors.",
                        "Taux de conversion : conversions divisées par les visiteurs."},
        .args = {amount_arg("conversions", {"conversions", "conversions"}, {"Number of conversions.", "Nombre de conversions."}),
                 amount_arg("visitors", {"visitors", "visiteurs"},
                    {"Number of visitors (or sessions, the base you report on).",
                     "Nombre de visiteurs (ou de sessions, selon la base suivie)."})},
        .scalar = [](std::span<const double> x) { return convrate(x[0], x[1]); },
        .definition = "conversions / visitors", .unit = "fraction (format as %)",
        .div0 = "visitors is 0",
        .source = "Google Analytics Help, \"Conversion rate\"; Farris et al., *Marketing Metrics* (2010), ch. 9",
        .note = "Web analytics tools divide by sessions, ad platforms by clicks (interactions): say which base a sheet uses.",
        .example = "=KPI.CONVRATE(45; 1500)", .example_result = "0.03"});

    t.push_back({.method = "roi", .name = "KPI.ROI",
        .description = {"Return on investment: (return - investment) / investment.",
                        "Retour sur investissement : (retour - investissement) / investissement."},
        .args = {amount_arg("return", {"return", "retour"},
                    {"Revenue (or gross profit) attributed to the investment.",
                     "Chiffre d'affaires (ou marge brute) attribué à l'investissement."}),
                 amount_arg("investment", {"investment", "investissement"},
                    {"Amount invested.", "Montant investi."})},
        .scalar = [](std::span<const double> x) { return roi(x[0], x[1]); },
        .definition = "(return − investment) / investment", .unit = "fraction (0.5 = 50 %)",
        .div0 = "investment is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 10 (return on marketing investment)",
        .note = "Some guides print ROI as investment / profit, which is its inverse and wrong. Revenue / spend is ROAS (KPI.ROAS), not ROI.",
        .example = "=KPI.ROI(15000; 10000)", .example_result = "0.5"});

    t.push_back({.method = "roas", .name = "KPI.ROAS",
        .description = {"Return on ad spend: revenue divided by ad spend.",
                        "Retour sur dépenses publicitaires : chiffre d'affaires divisé par les dépenses publicitaires."},
        .args = {kRevenue, amount_arg("ad_spend", {"ad_spend", "dépenses_pub"},
                    {"Advertising spend.", "Dépenses publicitaires."})},
        .scalar = [](std::span<const double> x) { return roas(x[0], x[1]); },
        .definition = "revenue / ad_spend", .unit = "ratio (4 = 4 of revenue per 1 spent)",
        .div0 = "ad_spend is 0",
        .source = "Google Ads Help, \"Return on ad spend (ROAS)\"",
        .note = "Ad platforms often show ROAS as a percentage (400 %); this function returns the ratio (4).",
        .example = "=KPI.ROAS(20000; 5000)", .example_result = "4"});

    t.push_back({.method = "growth", .name = "KPI.GROWTH",
        .description = {"Growth rate: (current - previous) / previous, for sales, leads or traffic.",
                        "Taux de croissance : (actuel - précédent) / précédent, pour ventes, leads ou trafic."},
        .args = {amount_arg("current", {"current", "actuel"}, {"Value of the current period.", "Valeur de la période actuelle."}),
                 amount_arg("previous", {"previous", "précédent"}, {"Value of the previous period.", "Valeur de la période précédente."})},
        .scalar = [](std::span<const double> x) { return growth(x[0], x[1]); },
        .definition = "(current − previous) / previous", .unit = "fraction (0.2 = +20 %)",
        .div0 = "previous is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 2 (growth: percentage change)",
        .example = "=KPI.GROWTH(1200; 1000)", .example_result = "0.2"});

    t.push_back({.method = "share", .name = "KPI.SHARE",
        .description = {"Share of a total: part divided by total (e.g. organic share of traffic).",
                        "Part d'un total : partie divisée par le total (par ex. part du trafic organique)."},
        .args = {amount_arg("part", {"part", "partie"}, {"The part (e.g. organic visits).", "La partie (par ex. visites organiques)."}),
                 amount_arg("total", {"total", "total"}, {"The total it belongs to.", "Le total dont elle fait partie."})},
        .scalar = [](std::span<const double> x) { return share(x[0], x[1]); },
        .definition = "part / total", .unit = "fraction (format as %)",
        .div0 = "total is 0", .domain = "part is greater than total",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 2 (share)",
        .example = "=KPI.SHARE(3000; 12000)", .example_result = "0.25"});

    t.push_back({.method = "openrate", .name = "KPI.OPENRATE",
        .description = {"E-mail open rate: opens divided by delivered e-mails.",
                        "Taux d'ouverture : ouvertures divisées par les e-mails délivrés."},
        .args = {amount_arg("opens", {"opens", "ouvertures"}, {"Number of (unique) opens.", "Nombre d'ouvertures (uniques)."}),
                 kDelivered},
        .scalar = [](std::span<const double> x) { return openrate(x[0], x[1]); },
        .definition = "opens / delivered", .unit = "fraction (format as %)",
        .div0 = "delivered is 0",
        .source = "Mailchimp, \"Email Marketing Benchmarks and Metrics\" (open rate = unique opens / delivered)",
        .note = "Some tools divide by sent e-mails; over delivered is the common definition. Apple Mail Privacy Protection inflates opens since 2021.",
        .example = "=KPI.OPENRATE(2450; 9800)", .example_result = "0.25"});

    t.push_back({.method = "ctor", .name = "KPI.CTOR",
        .description = {"Click-to-open rate: clicks divided by opens.",
                        "Taux de clics sur ouvertures : clics divisés par les ouvertures."},
        .args = {amount_arg("clicks", {"clicks", "clics"}, {"Number of (unique) clicks.", "Nombre de clics (uniques)."}),
                 amount_arg("opens", {"opens", "ouvertures"}, {"Number of (unique) opens.", "Nombre d'ouvertures (uniques)."})},
        .scalar = [](std::span<const double> x) { return ctor(x[0], x[1]); },
        .definition = "clicks / opens", .unit = "fraction (format as %)",
        .div0 = "opens is 0",
        .source = "Mailchimp, \"Email Marketing Benchmarks and Metrics\" (click-to-open rate)",
        .example = "=KPI.CTOR(294; 2450)", .example_result = "0.12"});

    t.push_back({.method = "unsubrate", .name = "KPI.UNSUBRATE",
        .description = {"Unsubscribe rate: unsubscribes divided by delivered e-mails.",
                        "Taux de désabonnement : désabonnements divisés par les e-mails délivrés."},
        .args = {amount_arg("unsubscribes", {"unsubscribes", "désabonnements"}, {"Number of unsubscribes.", "Nombre de désabonnements."}),
                 kDelivered},
        .scalar = [](std::span<const double> x) { return unsubrate(x[0], x[1]); },
        .definition = "unsubscribes / delivered", .unit = "fraction (format as %)",
        .div0 = "delivered is 0", .domain = "unsubscribes is greater than delivered",
        .source = "Mailchimp, \"Email Marketing Benchmarks and Metrics\" (unsubscribe rate)",
        .example = "=KPI.UNSUBRATE(49; 9800)", .example_result = "0.005"});

    t.push_back({.method = "bouncerate", .name = "KPI.BOUNCERATE",
        .description = {"E-mail bounce rate: bounces divided by e-mails sent.",
                        "Taux de rebond e-mail : rebonds divisés par les e-mails envoyés."},
        .args = {amount_arg("bounces", {"bounces", "rebonds"}, {"Number of bounced e-mails (hard and soft).", "Nombre d'e-mails rejetés (rebonds durs et doux)."}),
                 amount_arg("sent", {"sent", "envoyés"}, {"Number of e-mails sent.", "Nombre d'e-mails envoyés."})},
        .scalar = [](std::span<const double> x) { return bouncerate(x[0], x[1]); },
        .definition = "bounces / sent", .unit = "fraction (format as %)",
        .div0 = "sent is 0", .domain = "bounces is greater than sent",
        .source = "Mailchimp, \"Email Marketing Benchmarks and Metrics\" (bounce rate)",
        .note = "An e-mail bounce rate is over sent e-mails (a bounced e-mail is never delivered); a web bounce rate is a different metric.",
        .example = "=KPI.BOUNCERATE(200; 10000)", .example_result = "0.02"});

    t.push_back({.method = "engagement", .name = "KPI.ENGAGEMENT",
        .description = {"Engagement rate: engagements (likes, comments, shares, clicks) divided by impressions.",
                        "Taux d'engagement : interactions (j'aime, commentaires, partages, clics) divisées par les impressions."},
        .args = {amount_arg("engagements", {"engagements", "interactions"},
                    {"Number of engagements (likes, comments, shares, clicks).", "Nombre d'interactions (j'aime, commentaires, partages, clics)."}),
                 kImpressions},
        .scalar = [](std::span<const double> x) { return engagement(x[0], x[1]); },
        .definition = "engagements / impressions", .unit = "fraction (format as %)",
        .div0 = "impressions is 0",
        .source = "Hootsuite, \"Engagement rate calculator\" (engagement rate by impressions)",
        .note = "Social networks also publish engagement over reach or over followers; this one is over impressions.",
        .example = "=KPI.ENGAGEMENT(540; 12000)", .example_result = "0.045"});

    t.push_back({.method = "mql2sql", .name = "KPI.MQL2SQL",
        .description = {"MQL to SQL conversion rate: sales-qualified leads divided by marketing-qualified leads.",
                        "Taux de conversion MQL en SQL : leads qualifiés par les ventes divisés par les leads qualifiés par le marketing."},
        .args = {amount_arg("sqls", {"sqls", "sql"}, {"Number of sales-qualified leads (SQLs).", "Nombre de leads qualifiés par les ventes (SQL)."}),
                 amount_arg("mqls", {"mqls", "mql"}, {"Number of marketing-qualified leads (MQLs).", "Nombre de leads qualifiés par le marketing (MQL)."})},
        .scalar = [](std::span<const double> x) { return mql2sql(x[0], x[1]); },
        .definition = "SQLs / MQLs", .unit = "fraction (format as %)",
        .div0 = "mqls is 0",
        .source = "SiriusDecisions (Forrester), \"Demand Waterfall\" (MQL and SQL stages)",
        .note = "Over a cohort, count the SQLs that came from those MQLs; over a period, SQLs may come from earlier MQLs and the rate can exceed 100 %.",
        .example = "=KPI.MQL2SQL(30; 120)", .example_result = "0.25"});

    t.push_back({.method = "retention", .name = "KPI.RETENTION",
        .description = {"Customer retention rate: (customers at end - new customers) / customers at start.",
                        "Taux de rétention client : (clients en fin - nouveaux clients) / clients au début."},
        .args = {amount_arg("customers_end", {"customers_end", "clients_fin"},
                    {"Number of customers at the end of the period.", "Nombre de clients à la fin de la période."}),
                 kNewCustomers, kCustomersStart},
        .scalar = [](std::span<const double> x) { return retention(x[0], x[1], x[2]); },
        .definition = "(customers_end − new_customers) / customers_start", .unit = "fraction (format as %)",
        .div0 = "customers_start is 0",
        .domain = "new_customers is greater than customers_end, or the customers kept exceed customers_start",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 5 (retention rate)",
        .note = "Some guides divide customers_end by customers_start, counting new customers as retained; this function excludes them.",
        .example = "=KPI.RETENTION(1100; 200; 1000)", .example_result = "0.9"});

    t.push_back({.method = "churn", .name = "KPI.CHURN",
        .description = {"Churn rate: customers lost divided by customers at the start of the period.",
                        "Taux d'attrition : clients perdus divisés par les clients au début de la période."},
        .args = {amount_arg("customers_lost", {"customers_lost", "clients_perdus"},
                    {"Number of customers lost over the period.", "Nombre de clients perdus sur la période."}),
                 kCustomersStart},
        .scalar = [](std::span<const double> x) { return churn(x[0], x[1]); },
        .definition = "customers_lost / customers_start", .unit = "fraction (format as %)",
        .div0 = "customers_start is 0", .domain = "customers_lost is greater than customers_start",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 5 (churn)",
        .note = "Churn and retention of the same cohort add up to 1 only when new customers are left out of retention.",
        .example = "=KPI.CHURN(50; 1000)", .example_result = "0.05"});

    t.push_back({.method = "aov", .name = "KPI.AOV",
        .description = {"Average order value (average basket): revenue divided by the number of orders.",
                        "Panier moyen : chiffre d'affaires divisé par le nombre de commandes."},
        .args = {kRevenue, amount_arg("orders", {"orders", "commandes"}, {"Number of orders.", "Nombre de commandes."})},
        .scalar = [](std::span<const double> x) { return aov(x[0], x[1]); },
        .definition = "revenue / orders", .unit = "currency per order",
        .div0 = "orders is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 7 (average price per unit)",
        .example = "=KPI.AOV(45000; 600)", .example_result = "75"});

    t.push_back({.method = "arpu", .name = "KPI.ARPU",
        .description = {"Average revenue per user: revenue divided by the number of users.",
                        "Revenu moyen par utilisateur : chiffre d'affaires divisé par le nombre d'utilisateurs."},
        .args = {kRevenue, amount_arg("users", {"users", "utilisateurs"}, {"Number of users (or accounts).", "Nombre d'utilisateurs (ou de comptes)."})},
        .scalar = [](std::span<const double> x) { return arpu(x[0], x[1]); },
        .definition = "revenue / users", .unit = "currency per user",
        .div0 = "users is 0",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 5 (average revenue per customer)",
        .example = "=KPI.ARPU(90000; 3000)", .example_result = "30"});

    t.push_back({.method = "clv", .name = "KPI.CLV",
        .description = {"Customer lifetime value (simple): average order value x purchase frequency x lifespan x gross margin.",
                        "Valeur vie client (simple) : panier moyen x fréquence d'achat x durée de vie x marge brute."},
        .args = {number_arg("average_order_value", {"average_order_value", "panier_moyen"},
                    {"Average order value.", "Panier moyen."}),
                 number_arg("purchase_frequency", {"purchase_frequency", "fréquence_achat"},
                    {"Purchases per customer per period (e.g. per year).", "Achats par client et par période (par ex. par an)."}),
                 number_arg("lifespan", {"lifespan", "durée_vie"},
                    {"Customer lifespan, in the same periods as the frequency.", "Durée de vie client, dans la même période que la fréquence."}),
                 kGrossMargin},
        .scalar = [](std::span<const double> x) { return clv(x[0], x[1], x[2], x[3]); },
        .definition = "average_order_value × purchase_frequency × lifespan × gross_margin (gross_margin defaults to 1)",
        .unit = "currency per customer",
        .domain = "a negative order value, frequency or lifespan; a gross margin outside 0..1",
        .source = "Farris et al., *Marketing Metrics* (2010), ch. 5 (customer lifetime value); Shopify, \"Customer lifetime value\"",
        .note = "Some guides print LTV as average ticket / purchase frequency, which is wrong: the terms multiply. Without gross_margin the result is lifetime revenue, not value. For a retention-based value use KPI.CLVRET.",
        .example = "=KPI.CLV(75; 4; 3; 0.3)", .example_result = "270"});

    t.push_back({.method = "clvret", .name = "KPI.CLVRET",
        .description = {"Customer lifetime value from retention: m*r/(1+d-r), or m*(1+d)/(1+d-r) when the first margin is received now.",
                        "Valeur vie client par la rétention : m*r/(1+d-r), ou m*(1+d)/(1+d-r) si la première marge est perçue maintenant."},
        .args = {number_arg("margin", {"margin", "marge"},
                    {"Margin per customer per period.", "Marge par client et par période."}),
                 number_arg("retention_rate", {"retention_rate", "taux_rétention"},
                    {"Retention rate per period, from 0 to 1.", "Taux de rétention par période, de 0 à 1."}),
                 number_arg("discount_rate", {"discount_rate", "taux_actualisation"},
                    {"Discount rate per period (0.1 = 10 %).", "Taux d'actualisation par période (0,1 = 10 %)."}),
                 ArgInfo{"first_margin_now", {"first_margin_now", "première_marge_maintenant"},
                    {"TRUE if the first margin is received now (at the start); FALSE or omitted if at the end of the first period.",
                     "VRAI si la première marge est perçue maintenant (au début) ; FAUX ou omis si à la fin de la première période."},
                    ArgKind::flag, true, 0.0}},
        .scalar = [](std::span<const double> x) { return clvret(x[0], x[1], x[2], x[3] != 0.0); },
        .definition = "margin × r / (1 + d − r); with first_margin_now TRUE: margin × (1 + d) / (1 + d − r)",
        .unit = "currency per customer",
        .domain = "retention_rate below 0 or above 1, retention_rate ≥ 1 + discount_rate, discount_rate ≤ −1",
        .source = "Gupta & Lehmann, \"Customers as assets\", *Journal of Interactive Marketing* 17(1), 2003 (margin multiple r/(1+i−r)); Fader & Hardie, \"What's wrong with this CLV formula?\" (2012)",
        .note = "The two variants differ by when the first margin arrives; mixing them is the most common CLV error (Fader & Hardie).",
        .example = "=KPI.CLVRET(100; 0.8; 0.1)", .example_result = "266.666666666667"});

    t.push_back({.method = "ltv2cac", .name = "KPI.LTV2CAC",
        .description = {"LTV to CAC ratio: customer lifetime value divided by customer acquisition cost.",
                        "Ratio LTV sur CAC : valeur vie client divisée par le coût d'acquisition client."},
        .args = {number_arg("clv", {"clv", "valeur_vie_client"}, {"Customer lifetime value.", "Valeur vie client."}),
                 number_arg("cac", {"cac", "cac"}, {"Customer acquisition cost.", "Coût d'acquisition client."})},
        .scalar = [](std::span<const double> x) { return ltv2cac(x[0], x[1]); },
        .definition = "clv / cac", .unit = "ratio (3 = value is three times the cost)",
        .div0 = "cac is 0", .domain = "a negative clv",
        .source = "D. Skok, \"SaaS Metrics 2.0 – A Guide to Measuring and Improving what Matters\" (LTV:CAC)",
        .note = "The rule of thumb (LTV:CAC above 3) assumes the LTV is a margin, not revenue.",
        .example = "=KPI.LTV2CAC(1200; 400)", .example_result = "3"});

    t.push_back({.method = "payback", .name = "KPI.PAYBACK",
        .description = {"CAC payback period in months: CAC / (monthly revenue per customer x gross margin).",
                        "Délai de récupération du CAC en mois : CAC / (revenu mensuel par client x marge brute)."},
        .args = {number_arg("cac", {"cac", "cac"}, {"Customer acquisition cost.", "Coût d'acquisition client."}),
                 number_arg("monthly_revenue_per_customer", {"monthly_revenue_per_customer", "revenu_mensuel_client"},
                    {"Monthly recurring revenue per customer.", "Revenu mensuel récurrent par client."}),
                 kGrossMargin},
        .scalar = [](std::span<const double> x) { return payback(x[0], x[1], x[2]); },
        .definition = "cac / (monthly_revenue_per_customer × gross_margin), gross_margin defaults to 1",
        .unit = "months",
        .div0 = "monthly revenue × margin is 0", .domain = "a negative cac or revenue; a gross margin outside 0..1",
        .source = "D. Skok, \"SaaS Metrics 2.0\" (months to recover CAC)",
        .example = "=KPI.PAYBACK(400; 50; 0.8)", .example_result = "10"});

    t.push_back({.method = "nps", .name = "KPI.NPS",
        .description = {"Net Promoter Score from raw 0-10 survey scores: % promoters (9-10) minus % detractors (0-6).",
                        "Net Promoter Score à partir des notes brutes de 0 à 10 : % de promoteurs (9-10) moins % de détracteurs (0-6)."},
        .args = {range_arg("scores", {"scores", "notes"},
                    {"Range of survey answers from 0 to 10; blank and text cells are skipped.",
                     "Plage des réponses de 0 à 10 ; les cellules vides et le texte sont ignorés."})},
        .eval = eval_nps,
        .definition = "100 × (share of scores 9–10 − share of scores 0–6) over the numeric cells", .unit = "points from −100 to 100",
        .div0 = "there is no score", .domain = "a score outside 0..10 or not a whole number",
        .source = "F. Reichheld, \"The One Number You Need to Grow\", *Harvard Business Review*, December 2003",
        .note = "NPS is reported as a number of points (e.g. 20), not a percentage. Blank cells are skipped, never counted as 0 (a detractor).",
        .example = "=KPI.NPS({10;9;8;7;6;3;10;9;5;10})", .example_result = "20"});

    t.push_back({.method = "npscount", .name = "KPI.NPSCOUNT",
        .description = {"Net Promoter Score from counts: 100 x (promoters - detractors) / (promoters + passives + detractors).",
                        "Net Promoter Score à partir des effectifs : 100 x (promoteurs - détracteurs) / (promoteurs + passifs + détracteurs)."},
        .args = {amount_arg("promoters", {"promoters", "promoteurs"}, {"Number of promoters (scores 9-10).", "Nombre de promoteurs (notes 9-10)."}),
                 amount_arg("passives", {"passives", "passifs"}, {"Number of passives (scores 7-8).", "Nombre de passifs (notes 7-8)."}),
                 amount_arg("detractors", {"detractors", "détracteurs"}, {"Number of detractors (scores 0-6).", "Nombre de détracteurs (notes 0-6)."})},
        .scalar = [](std::span<const double> x) { return npscount(x[0], x[1], x[2]); },
        .definition = "100 × (promoters − detractors) / (promoters + passives + detractors)", .unit = "points from −100 to 100",
        .div0 = "the three counts are 0",
        .source = "F. Reichheld, \"The One Number You Need to Grow\", *Harvard Business Review*, December 2003",
        .example = "=KPI.NPSCOUNT(50; 30; 20)", .example_result = "30"});

    t.push_back({.method = "timetoclose", .name = "KPI.TIMETOCLOSE",
        .description = {"Time to close in days: mean (or median) of close date - first contact date, row by row.",
                        "Délai de conclusion en jours : moyenne (ou médiane) de date de conclusion - date du premier contact, ligne par ligne."},
        .args = {range_arg("first_contact_dates", {"first_contact_dates", "dates_premier_contact"},
                    {"Range of first-contact dates.", "Plage des dates de premier contact."}),
                 range_arg("close_dates", {"close_dates", "dates_conclusion"},
                    {"Range of close dates, the same size; rows with a blank are skipped.",
                     "Plage des dates de conclusion, de même taille ; les lignes avec une cellule vide sont ignorées."}),
                 optional_number_arg("statistic", {"statistic", "statistique"},
                    {"0 or omitted: mean; 1: median.", "0 ou omis : moyenne ; 1 : médiane."}, 0.0)},
        .eval = eval_time_to_close,
        .definition = "mean (statistic 0, default) or median (statistic 1) of close_date − first_contact_date over the rows with both dates",
        .unit = "days",
        .div0 = "no row has both dates", .domain = "a close before its first contact; statistic other than 0 or 1",
        .source = "HubSpot, \"Sales cycle length\" (average days from first contact to closed deal)",
        .note = "Ranges of different sizes give #VALUE!. Dates are spreadsheet date serials, so a difference is in days (times of day count as fractions).",
        .example = "=KPI.TIMETOCLOSE({45000;45010;45020}; {45030;45025;45080})", .example_result = "35"});

    t.push_back({.method = "scoreauc", .name = "KPI.SCOREAUC",
        .description = {"Lead-scoring accuracy (ROC AUC): probability that a converted lead scored higher than a non-converted one.",
                        "Précision du scoring de leads (AUC ROC) : probabilité qu'un lead converti ait un score plus élevé qu'un lead non converti."},
        .args = {range_arg("scores", {"scores", "scores"}, {"Range of lead scores.", "Plage des scores des leads."}),
                 range_arg("converted", {"converted", "convertis"},
                    {"Range of outcomes, the same size: 1 (or TRUE) converted, 0 (or FALSE) not.",
                     "Plage des résultats, de même taille : 1 (ou VRAI) converti, 0 (ou FAUX) non converti."})},
        .eval = eval_score_auc,
        .definition = "P(score of a converted lead > score of a non-converted lead), ties counting one half (Mann–Whitney U / (n₁·n₀))",
        .unit = "probability from 0 to 1 (0.5 = no better than chance)",
        .div0 = "there is not at least one converted and one non-converted lead",
        .domain = "an outcome other than 0 or 1",
        .source = "Hanley & McNeil, \"The meaning and use of the area under a receiver operating characteristic (ROC) curve\", *Radiology* 143, 1982",
        .note = "Computed in O(n log n) by ranking, so a million leads take well under a second. Rows with a blank on either side are skipped.",
        .example = "=KPI.SCOREAUC({0.9;0.8;0.7;0.6;0.5}; {1;0;1;0;0})", .example_result = "0.833333333333333"});

    t.push_back({.method = "funnel", .name = "KPI.FUNNEL",
        .description = {"Funnel conversion: for each stage, its count divided by the stage before (array of the same shape).",
                        "Conversion d'entonnoir : pour chaque étape, son effectif divisé par celui de l'étape précédente (tableau de même forme)."},
        .args = {range_arg("stage_counts", {"stage_counts", "effectifs_étapes"},
                    {"A row or column of stage counts, from the top of the funnel down.",
                     "Une ligne ou une colonne d'effectifs par étape, du haut de l'entonnoir vers le bas."})},
        .returns = Returns::array,
        .eval = eval_funnel,
        .definition = "an array of the same shape: 1 for the first stage, then stage[i] / stage[i−1]",
        .unit = "fractions (format as %)",
        .div0 = "in a cell whose previous stage is 0", .domain = "a negative count",
        .source = "D. McClure, \"Startup Metrics for Pirates: AARRR!\" (2007)",
        .note = "Enter it as an array formula over as many cells as there are stages (Ctrl+Shift+Enter). A 2-D range, a blank or a text cell gives #VALUE!.",
        .example = "=KPI.FUNNEL({10000;2500;500;100})", .example_result = "1 | 0.25 | 0.2 | 0.2"});

    // --- predictive CLV (issue #8): BG/NBD, Gamma-Gamma, sBG ------------------
    // Display names have inner dots (KPI.BGNBD.FIT); UNO methods cannot, so the
    // stored name is the display name without them (KPI.BGNBDFIT).
    {
        const ArgInfo frequency = range_arg("frequency", {"frequency", "fréquence"},
            {"Range: repeat purchases of each customer (purchases after the first), whole numbers.",
             "Plage : achats répétés de chaque client (achats après le premier), nombres entiers."});
        const ArgInfo recency = range_arg("recency", {"recency", "récence"},
            {"Range: time from each customer's first to last purchase (0 with no repeat purchase).",
             "Plage : temps entre le premier et le dernier achat de chaque client (0 sans achat répété)."});
        const ArgInfo age = range_arg("age", {"age", "âge"},
            {"Range: time from each customer's first purchase to the end of the observation, in the same unit.",
             "Plage : temps entre le premier achat de chaque client et la fin de l'observation, dans la même unité."});
        const ArgInfo bg_params = range_arg("params", {"params", "paramètres"},
            {"The row returned by KPI.BGNBD.FIT: r, alpha, a, b (the log-likelihood after them may be included).",
             "La ligne renvoyée par KPI.BGNBD.FIT : r, alpha, a, b (la log-vraisemblance qui suit peut être incluse)."});
        const ArgInfo gg_params = range_arg("params", {"params", "paramètres"},
            {"The row returned by KPI.GG.FIT: p, q, gamma (the log-likelihood after them may be included).",
             "La ligne renvoyée par KPI.GG.FIT : p, q, gamma (la log-vraisemblance qui suit peut être incluse)."});
        const ArgInfo one_frequency = number_arg("frequency", {"frequency", "fréquence"},
            {"The customer's repeat purchases (a whole number).", "Achats répétés du client (nombre entier)."});
        const ArgInfo one_recency = number_arg("recency", {"recency", "récence"},
            {"Time from the customer's first to last purchase, in the model's time unit.",
             "Temps entre le premier et le dernier achat du client, dans l'unité de temps du modèle."});
        const ArgInfo one_age = number_arg("age", {"age", "âge"},
            {"Time from the customer's first purchase to now, in the model's time unit.",
             "Temps entre le premier achat du client et aujourd'hui, dans l'unité de temps du modèle."});
        const ArgInfo one_value = number_arg("average_value", {"average_value", "valeur_moyenne"},
            {"The customer's average value per repeat purchase (any value if frequency is 0).",
             "Valeur moyenne par achat répété du client (valeur quelconque si la fréquence est 0)."});
        const ArgInfo alpha = number_arg("alpha", {"alpha", "alpha"},
            {"sBG parameter alpha (> 0), from KPI.SBG.FIT.", "Paramètre alpha du sBG (> 0), issu de KPI.SBG.FIT."});
        const ArgInfo beta = number_arg("beta", {"beta", "bêta"},
            {"sBG parameter beta (> 0), from KPI.SBG.FIT.", "Paramètre bêta du sBG (> 0), issu de KPI.SBG.FIT."});
        constexpr std::string_view kBgSource =
            "P. S. Fader, B. G. S. Hardie, K. L. Lee, \"'Counting your customers' the easy way: an alternative to the Pareto/NBD model\", *Marketing Science* 24(2), 2005";
        constexpr std::string_view kGgSource =
            "P. S. Fader, B. G. S. Hardie, K. L. Lee, \"RFM and CLV: using iso-value curves for customer base analysis\", *Journal of Marketing Research* 42(4), 2005; P. S. Fader, B. G. S. Hardie, \"The Gamma-Gamma model of monetary value\" (2013)";
        constexpr std::string_view kSbgSource =
            "P. S. Fader, B. G. S. Hardie, \"How to project customer retention\", *Journal of Interactive Marketing* 21(1), 2007";

        t.push_back({.method = "bgnbdfit", .name = "KPI.BGNBD.FIT",
            .description = {"Fits the BG/NBD model of repeat purchases to a customer table by maximum likelihood: returns r, alpha, a, b and the log-likelihood (a row).",
                            "Ajuste le modèle BG/NBD d'achats répétés à une table clients par maximum de vraisemblance : renvoie r, alpha, a, b et la log-vraisemblance (une ligne)."},
            .args = {frequency, recency, age},
            .returns = Returns::array,
            .eval = models::eval_bgnbd_fit,
            .definition = "the r, α, a, b maximising Σ ln L(r, α, a, b | x, tₓ, T) over the customers (Fader, Hardie & Lee 2005), then that log-likelihood",
            .unit = "a row of 5: r, α (time unit of the data), a, b, log-likelihood",
            .div0 = "the table has no customer",
            .domain = "an invalid row (recency > age, recency ≠ 0 with frequency 0, frequency negative or not whole, a negative value); a fit that does not converge to a well-determined maximum (e.g. too few customers: a parameter runs off to 0 or infinity)",
            .source = kBgSource,
            .note = "Enter as an array formula over 5 cells of a row. The three ranges must have the same size; rows left wholly blank are skipped, a partly blank row gives #VALUE!. One time unit throughout (weeks in the paper): α is in that unit. Reproduces the paper's CDNOW estimates (r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4) in about 10 ms.",
            .example = "=KPI.BGNBD.FIT({3;0;6;0;0;1;1;0}; {3;0;10;0;0;4;2;0}; {10;10;10;10;10;10;10;10})",
            .example_result = "0.384309322697 | 1.76469278185 | 0.561652483422 | 1.5462036868 | -28.9790403747958"});

        t.push_back({.method = "bgnbdexpected", .name = "KPI.BGNBD.EXPECTED",
            .description = {"BG/NBD: expected number of purchases of a customer in the next t time units.",
                            "BG/NBD : nombre attendu d'achats d'un client dans les t prochaines unités de temps."},
            .args = {bg_params,
                     number_arg("t", {"t", "t"}, {"Length of the future period, in the model's time unit.",
                                                  "Durée de la période future, dans l'unité de temps du modèle."}),
                     one_frequency, one_recency, one_age},
            .eval = models::eval_bgnbd_expected,
            .definition = "(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive) (Fader, Hardie & Lee 2005, conditional expectation)",
            .unit = "purchases",
            .domain = "an invalid customer row; t < 0; a parameter ≤ 0; a = 1 exactly",
            .source = kBgSource,
            .note = "The example is the paper's customer (x 2, tₓ 30.43, T 38.86 weeks) with its CDNOW parameters: 1.226 purchases in the next 39 weeks, as the paper reports.",
            .example = "=KPI.BGNBD.EXPECTED({0.243;4.414;0.793;2.426}; 39; 2; 30.43; 38.86)",
            .example_result = "1.22602817476714"});

        t.push_back({.method = "bgnbdpalive", .name = "KPI.BGNBD.PALIVE",
            .description = {"BG/NBD: probability that a customer is still active (has not dropped out).",
                            "BG/NBD : probabilité qu'un client soit encore actif (ne soit pas parti)."},
            .args = {bg_params, one_frequency, one_recency, one_age},
            .eval = models::eval_bgnbd_palive,
            .definition = "1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x))",
            .unit = "probability from 0 to 1",
            .domain = "an invalid customer row; a parameter ≤ 0",
            .source = kBgSource,
            .note = "A customer with no repeat purchase is alive with probability 1 in this model (dropping out happens only after a purchase).",
            .example = "=KPI.BGNBD.PALIVE({0.243;4.414;0.793;2.426}; 2; 30.43; 38.86)",
            .example_result = "0.726578570080673"});

        t.push_back({.method = "ggfit", .name = "KPI.GG.FIT",
            .description = {"Fits the Gamma-Gamma model of spend per purchase by maximum likelihood: returns p, q, gamma and the log-likelihood (a row).",
                            "Ajuste le modèle Gamma-Gamma de la dépense par achat par maximum de vraisemblance : renvoie p, q, gamma et la log-vraisemblance (une ligne)."},
            .args = {frequency,
                     range_arg("average_value", {"average_value", "valeur_moyenne"},
                        {"Range, the same size: average value of each customer's repeat purchases (> 0 when frequency > 0).",
                         "Plage de même taille : valeur moyenne des achats répétés de chaque client (> 0 si la fréquence est > 0)."})},
            .returns = Returns::array,
            .eval = models::eval_gg_fit,
            .definition = "the p, q, γ maximising Σ ln f(z̄ | p, q, γ, x) over the customers with x > 0 (Fader & Hardie 2013), then that log-likelihood",
            .unit = "a row of 4: p, q, γ (currency), log-likelihood",
            .div0 = "no customer has a repeat purchase",
            .domain = "a frequency negative or not whole; an average value ≤ 0 with frequency > 0; a fit that does not converge to a well-determined maximum",
            .source = kGgSource,
            .note = "Customers with frequency 0 are left out, as the model requires (their average value is ignored). Reproduces the CDNOW estimates p 6.25, q 3.74, γ 15.44 on the 946 repeat customers. The model assumes spend is independent of frequency: check the correlation first.",
            .example = "=KPI.GG.FIT({2;1;3;1;4;2}; {12;40;18;9;25;70})",
            .example_result = "3.14187848054 | 4.4746152184 | 32.1511659889 | -24.8324573983733"});

        t.push_back({.method = "ggspend", .name = "KPI.GG.SPEND",
            .description = {"Gamma-Gamma: expected average spend per purchase of a customer, given the customer's history.",
                            "Gamma-Gamma : dépense moyenne attendue par achat d'un client, compte tenu de son historique."},
            .args = {gg_params, one_frequency, one_value},
            .eval = models::eval_gg_spend,
            .definition = "p (γ + x z̄) / (p x + q − 1): a weighted average of the population mean p γ/(q − 1) and the customer's own mean z̄",
            .unit = "currency per purchase",
            .domain = "frequency negative or not whole; average value ≤ 0 with frequency > 0; p x + q ≤ 1; a parameter ≤ 0",
            .source = kGgSource,
            .note = "6 × (15 + 2 × 20) / (6 × 2 + 4 − 1) = 330 / 15 = 22.",
            .example = "=KPI.GG.SPEND({6;4;15}; 2; 20)",
            .example_result = "22"});

        t.push_back({.method = "clvpredict", .name = "KPI.CLV.PREDICT",
            .description = {"Predictive CLV: discounted expected spend of a customer over a horizon, from the BG/NBD and Gamma-Gamma parameters.",
                            "CLV prédictive : dépense attendue actualisée d'un client sur un horizon, à partir des paramètres BG/NBD et Gamma-Gamma."},
            .args = {range_arg("bgnbd_params", {"bgnbd_params", "paramètres_bgnbd"},
                        {"The row returned by KPI.BGNBD.FIT.", "La ligne renvoyée par KPI.BGNBD.FIT."}),
                     range_arg("gg_params", {"gg_params", "paramètres_gg"},
                        {"The row returned by KPI.GG.FIT.", "La ligne renvoyée par KPI.GG.FIT."}),
                     one_frequency, one_recency, one_age, one_value,
                     number_arg("horizon", {"horizon", "horizon"},
                        {"Number of discount periods to add up (a whole number).", "Nombre de périodes d'actualisation à additionner (nombre entier)."}),
                     number_arg("discount_rate", {"discount_rate", "taux_actualisation"},
                        {"Discount rate per period (0.01 = 1 % per period).", "Taux d'actualisation par période (0,01 = 1 % par période)."}),
                     optional_number_arg("units_per_period", {"units_per_period", "unités_par_période"},
                        {"Model time units in one discount period (weeks per month: 365.25/7/12 = 4.348); 1 if omitted.",
                         "Unités de temps du modèle dans une période d'actualisation (semaines par mois : 365,25/7/12 = 4,348) ; 1 si omis."}, 1.0)},
            .eval = models::eval_clv_predict,
            .definition = "E[spend] × Σᵢ₌₁..horizon (E[Y(i·u)] − E[Y((i−1)·u)]) / (1 + discount_rate)^i, u = units_per_period, E[Y(t)] as in KPI.BGNBD.EXPECTED, E[spend] as in KPI.GG.SPEND",
            .unit = "currency (spend, not margin: multiply by your margin)",
            .domain = "an invalid customer row; horizon negative or not whole; discount_rate ≤ −1; units_per_period ≤ 0; a parameter ≤ 0",
            .source = "Fader, Hardie & Lee, \"RFM and CLV: using iso-value curves\", *JMR* 42(4), 2005 (discounted expected residual transactions × expected spend)",
            .note = "Time units are explicit: the model's unit is the data's (weeks in CDNOW), and units_per_period says how many of them one discount period holds. Nothing assumes 30-day months: for a model in days and monthly discounting pass 30.4375; in weeks, 4.348.",
            .example = "=KPI.CLV.PREDICT({0.243;4.414;0.793;2.426}; {6;4;15}; 2; 30.43; 38.86; 20; 2; 0.1; 4)",
            .example_result = "5.51346505454116"});

        t.push_back({.method = "sbgfit", .name = "KPI.SBG.FIT",
            .description = {"Fits the shifted-beta-geometric retention model to a cohort by maximum likelihood: returns alpha, beta and the log-likelihood (a row).",
                            "Ajuste le modèle de rétention bêta-géométrique décalé à une cohorte par maximum de vraisemblance : renvoie alpha, bêta et la log-vraisemblance (une ligne)."},
            .args = {range_arg("survivors", {"survivors", "survivants"},
                        {"A row or column: customers still active at periods 0, 1, 2, ... of the cohort (non-increasing).",
                         "Une ligne ou une colonne : clients encore actifs aux périodes 0, 1, 2, ... de la cohorte (non croissant)."})},
            .returns = Returns::array,
            .eval = models::eval_sbg_fit,
            .definition = "the α, β maximising Σₜ (nₜ₋₁ − nₜ) ln P(T = t) + n_last ln S(last), P(T = t) = B(α+1, β+t−1)/B(α, β), S(t) = B(α, β+t)/B(α, β), then that log-likelihood",
            .unit = "a row of 3: α, β, log-likelihood",
            .domain = "fewer than 3 periods; a first count ≤ 0; a count that increases or is negative; a fit that does not converge (e.g. nobody churns)",
            .source = kSbgSource,
            .note = "Reproduces the paper's cohorts (regular α 0.704, β 1.182; high end α 0.668, β 3.806). The example's cohort follows S(t) = 1/(t+1) exactly, the sBG survival of α = β = 1, whose log-likelihood is −(16 ln 2 + 3 ln 3). A blank or text cell gives #VALUE!.",
            .example = "=KPI.SBG.FIT({12;6;4;3})",
            .example_result = "1 | 1 | -14.3861917549635"});

        t.push_back({.method = "sbgretention", .name = "KPI.SBG.RETENTION",
            .description = {"sBG: retention rate of period t, the share of customers active at t-1 still active at t.",
                            "sBG : taux de rétention de la période t, part des clients actifs en t-1 encore actifs en t."},
            .args = {alpha, beta, number_arg("t", {"t", "t"}, {"Period: 1, 2, 3, ...", "Période : 1, 2, 3, ..."})},
            .scalar = [](std::span<const double> x) { return models::sbg_retention(x[0], x[1], x[2]); },
            .definition = "r(t) = (β + t − 1) / (α + β + t − 1)",
            .unit = "fraction (format as %)",
            .domain = "α or β ≤ 0; t not a whole number ≥ 1",
            .source = kSbgSource,
            .note = "Retention rises with t: the customers who stay are the loyal ones (heterogeneity, not changing behaviour). (2 + 3 − 1) / (1 + 2 + 3 − 1) = 4/5.",
            .example = "=KPI.SBG.RETENTION(1; 2; 3)", .example_result = "0.8"});

        t.push_back({.method = "sbgsurvival", .name = "KPI.SBG.SURVIVAL",
            .description = {"sBG: share of the cohort still active at period t.",
                            "sBG : part de la cohorte encore active à la période t."},
            .args = {alpha, beta, number_arg("t", {"t", "t"}, {"Period: 0, 1, 2, ...", "Période : 0, 1, 2, ..."})},
            .scalar = [](std::span<const double> x) { return models::sbg_survival(x[0], x[1], x[2]); },
            .definition = "S(t) = B(α, β + t) / B(α, β) = ∏ₖ₌₁..t r(k)",
            .unit = "fraction of the cohort (format as %)",
            .domain = "α or β ≤ 0; t not a whole number ≥ 0",
            .source = kSbgSource,
            .note = "With α = 1, S(t) = β / (β + t): 2 / (2 + 3) = 0.4.",
            .example = "=KPI.SBG.SURVIVAL(1; 2; 3)", .example_result = "0.4"});
    }

    // Column-at-once: listed last, it is a way of calling the others.
    const Text column_desc = {"A column (or row) of values, one per row; a single cell is used for every row. Blank and text cells read as 0.",
                              "Une colonne (ou ligne) de valeurs, une par ligne ; une cellule seule sert pour toutes les lignes. Les cellules vides et le texte valent 0."};
    t.push_back({.method = "map", .name = "KPI.MAP",
        .description = {"Computes a KPI for every row at once: an array with one result per row (enter as an array formula).",
                        "Calcule un indicateur pour chaque ligne d'un coup : un tableau avec un résultat par ligne (à saisir en formule matricielle)."},
        .args = {ArgInfo{"kpi", {"kpi", "indicateur"},
                    {"Name of the KPI, as text: \"CTR\" or \"KPI.CTR\".", "Nom de l'indicateur, en texte : \"CTR\" ou \"KPI.CTR\"."},
                    ArgKind::name, false, 0.0},
                 ArgInfo{"column1", {"column1", "colonne1"}, column_desc, ArgKind::column, false, 0.0},
                 ArgInfo{"column2", {"column2", "colonne2"}, column_desc, ArgKind::column, false, 0.0},
                 ArgInfo{"column3", {"column3", "colonne3"}, column_desc, ArgKind::column, true, 0.0},
                 ArgInfo{"column4", {"column4", "colonne4"}, column_desc, ArgKind::column, true, 0.0}},
        .returns = Returns::array,
        .eval = map_rows,
        .definition = "for each row i: KPI(column1[i]; column2[i]; …), the KPI's own definition and errors per row",
        .unit = "the KPI's unit, one result per row",
        .div0 = "in the rows where the KPI's denominator is 0",
        .domain = "in the rows where the KPI's domain is violated",
        .source = "the mapped KPI's source",
        .note = "One call instead of one per row: over 100,000 rows and more it is much faster than a KPI formula copied down (see the README's performance table). Calc passes the first two columns as plain numbers, so their blank and text cells read as 0 (a per-row formula would show #VALUE! for text). Only KPIs of single values per row can be mapped (not NPS, TIMETOCLOSE, SCOREAUC, FUNNEL); another name gives #VALUE!.",
        .example = "=KPI.MAP(\"CTR\"; {10;20;30}; {1000;1000;600})", .example_result = "0.01 | 0.02 | 0.05"});

#ifdef KPI_BENCHMARK_METHODS
    // Benchmark-only (cmake -DKPI_BENCHMARK=ON): the signature of KPI.CTR
    // with no work at all, so that the benchmark can measure the bridge's own
    // cost per call and what the extension adds to it.
    t.push_back({.method = "noop", .name = "KPI.NOOP",
        .description = {"Benchmark only: does nothing, returns 0.", "Benchmark seulement : ne fait rien, renvoie 0."},
        .args = {amount_arg("a", {"a", "a"}, {"Ignored.", "Ignoré."}), amount_arg("b", {"b", "b"}, {"Ignored.", "Ignoré."})},
        .eval = [](Args) { return Output::scalar(Result{0.0, Error::none}); },
        .definition = "0", .unit = "nothing", .source = "none", .example = "=KPI.NOOP(1; 2)", .example_result = "0"});
    // The same with two number-only columns: what Calc's conversion of a
    // range costs when it need not build an Any per cell.
    t.push_back({.method = "noopcols", .name = "KPI.NOOPCOLS",
        .description = {"Benchmark only: does nothing, returns 0.", "Benchmark seulement : ne fait rien, renvoie 0."},
        .args = {ArgInfo{"a", {"a", "a"}, {"Ignored.", "Ignoré."}, ArgKind::column, false, 0.0},
                 ArgInfo{"b", {"b", "b"}, {"Ignored.", "Ignoré."}, ArgKind::column, false, 0.0}},
        .eval = [](Args) { return Output::scalar(Result{0.0, Error::none}); },
        .definition = "0", .unit = "nothing", .source = "none", .example = "=KPI.NOOPCOLS(1; 2)", .example_result = "0"});
#endif

    return t;
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
    });
}

}  // namespace

const std::vector<FunctionInfo>& catalogue() {
    static const std::vector<FunctionInfo> table = build();  // immutable after first use
    return table;
}

const FunctionInfo* find_method(std::string_view method) {
    for (const FunctionInfo& f : catalogue())
        if (f.method == method) return &f;
    return nullptr;
}

const FunctionInfo* find_name(std::string_view display_name) {
    for (const FunctionInfo& f : catalogue())
        if (iequal(f.name, display_name)) return &f;
    return nullptr;
}

Output evaluate(const FunctionInfo& f, Args args) {
    if (args.size() != f.args.size()) return Output::scalar(Result::fail(Error::args));
    for (const ArgView* a : args)
        if (a == nullptr) return Output::scalar(Result::fail(Error::args));
    if (f.eval) return f.eval(args);
    if (!f.scalar) return Output::scalar(Result::fail(Error::value));

    double x[8] = {};
    if (args.size() > std::size(x)) return Output::scalar(Result::fail(Error::args));
    for (std::size_t i = 0; i < args.size(); ++i) {
        const ArgInfo& info = f.args[i];
        const ArgView& a = *args[i];
        Result r;
        if (info.optional && a.omitted()) r = Result{info.fallback, Error::none};
        else if (info.kind == ArgKind::amount) r = amount(a);
        else r = number(a);  // number and flag: one cell; a flag is non-zero for TRUE
        if (!r.ok()) return Output::scalar(r);
        x[i] = r.value;
    }
    return Output::scalar(f.scalar(std::span<const double>(x, args.size())));
}

}  // namespace kpi
