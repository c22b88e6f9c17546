// The catalogue assembled: the families' entries in order, their words
// attached from the strings table, and the look-ups and the evaluation every
// caller (the UNO glue, KPI.MAP, the generators, the tests) goes through.
//
// Each entry's `method` is stored in every saved document (as KPI.<METHOD>):
// once released, never rename it, never change its arguments' order.
#include "kpi/catalogue.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "entries.hpp"
#include "kpi/args.hpp"

namespace kpi {
namespace {

// --- the strings table (core/catalogue/texts.toml, compiled by codegen/texts.py)
struct TextRow {
    std::string_view key, en, fr;
};
constexpr TextRow kTexts[] = {
#include "catalogue_texts.inc"
};

const TextRow* row(std::string_view key) {
    const auto it = std::lower_bound(std::begin(kTexts), std::end(kTexts), key,
                                     [](const TextRow& r, std::string_view k) { return r.key < k; });
    return it != std::end(kTexts) && it->key == key ? &*it : nullptr;
}

std::string join(std::string_view a, std::string_view b, std::string_view c = {}, std::string_view d = {}) {
    std::string s;
    for (std::string_view p : {a, b, c, d})
        if (!p.empty()) (s += s.empty() ? "" : ".") += p;
    return s;
}

Text text(const std::string& key) {
    const TextRow* r = row(key);
    return r ? Text{r->en, r->fr} : Text{};
}
std::string_view plain(const std::string& key) { return text(key).en; }

std::vector<std::string_view> lines(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const auto nl = s.find('\n');
        out.push_back(s.substr(0, nl));
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
    return out;
}
Words words(const std::string& key) {
    const Text t = text(key);
    return Words{lines(t.en), lines(t.fr)};
}

// An argument's text: its own ([cpl.args.leads]) or the shared one
// ([args.leads]). The English wizard name is the argument's name.
Text arg_text(std::string_view method, std::string_view arg, std::string_view field) {
    Text own = text(join(method, "args", arg, field));
    return own.en.empty() && own.fr.empty() ? text(join("args", arg, field)) : own;
}

void attach_texts(FunctionInfo& f) {
    const std::string m(f.method);
    if (f.description.en.empty()) f.description = text(m + ".description");
    f.definition = text(m + ".definition");
    f.unit = text(m + ".unit");
    f.div0 = text(m + ".div0");
    f.domain = text(m + ".domain");
    f.note = text(m + ".note");
    f.source = text(m + ".source");
    f.example = plain(m + ".example");
    f.example_result = plain(m + ".example_result");
    f.synonyms = words(m + ".synonyms");
    f.above_one = plain(m + ".above_one");
    for (ArgInfo& a : f.args) {
        a.display = Text{a.name, arg_text(f.method, a.name, "name").fr};
        a.description = arg_text(f.method, a.name, "description");
    }
}

std::vector<FunctionInfo> build() {
    using Family = std::vector<FunctionInfo> (*)();
    constexpr std::pair<std::string_view, Family> families[] = {
        {"costs", entries::costs},         {"rates", entries::rates},
        {"email", entries::email},         {"returns", entries::returns},
        {"customers", entries::customers}, {"pipeline", entries::pipeline},
        {"models", entries::models},       {"statistics", entries::statistics},
        {"meta", entries::meta},
    };
    std::vector<FunctionInfo> t;
    for (const auto& [family, entries] : families) {
        for (FunctionInfo& f : entries()) {
            f.family = family;
            attach_texts(f);
            t.push_back(std::move(f));
        }
    }
    return t;
}

std::vector<InputKind> build_inputs() {
    std::vector<InputKind> out;
    constexpr std::string_view prefix = "inputs.";
    for (const TextRow& r : kTexts) {
        if (r.key.substr(0, prefix.size()) != prefix || !r.key.ends_with(".words")) continue;
        InputKind k;
        k.kind = r.key.substr(prefix.size(), r.key.size() - prefix.size() - std::string_view(".words").size());
        k.words = Words{lines(r.en), lines(r.fr)};
        k.args = lines(plain(join("inputs", k.kind, "args")));
        k.count = plain(join("inputs", k.kind, "count")) != "false";
        k.within_error = lines(plain(join("inputs", k.kind, "within", "error")));
        k.within_warning = lines(plain(join("inputs", k.kind, "within", "warning")));
        out.push_back(std::move(k));
    }
    return out;
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
        return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
    });
}

}  // namespace

std::string_view shape_name(Shape s) {
    switch (s) {
        case Shape::unclassified: return "unclassified";
        case Shape::ratio: return "ratio";
        case Shape::rate: return "rate";
        case Shape::part_of_whole: return "part_of_whole";
        case Shape::gain: return "gain";
        case Shape::formula: return "formula";
        case Shape::cells: return "cells";
        case Shape::array: return "array";
        case Shape::model: return "model";
        case Shape::map: return "map";
    }
    return "unclassified";
}

const std::vector<FunctionInfo>& catalogue() {
    static const std::vector<FunctionInfo> table = build();  // immutable after first use
    return table;
}

Text family_name(std::string_view family) { return text(join("families", family, "name")); }

const std::vector<InputKind>& input_kinds() {
    static const std::vector<InputKind> kinds = build_inputs();
    return kinds;
}

std::vector<std::string_view> text_keys() {
    std::vector<std::string_view> keys;
    for (const TextRow& r : kTexts) keys.push_back(r.key);
    return keys;
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
        // The blank rule (args.hpp): a blank optional argument is left out; a
        // blank required one is "no data yet" unless a blank means none.
        if (info.optional && (a.omitted() || blank(a))) r = Result{info.fallback, Error::none};
        else if (blank(a)) r = info.zero_if_blank ? Result{0.0, Error::none} : Result::fail(Error::na);
        else if (info.kind == ArgKind::amount) r = amount(a);
        else r = number(a);  // number and flag: one cell; a flag is non-zero for TRUE
        if (!r.ok()) return Output::scalar(r);
        x[i] = r.value;
    }
    return Output::scalar(f.scalar(std::span<const double>(x, args.size())));
}

Output evaluate_counted(const FunctionInfo& f, Args args, std::span<const std::int64_t> counts) {
    if (args.size() != f.args.size()) return Output::scalar(Result::fail(Error::args));
    for (const ArgView* a : args)
        if (a == nullptr) return Output::scalar(Result::fail(Error::args));
    for (std::int64_t c : counts)
        if (c <= 0) return Output::scalar(Result::fail(Error::value));
    if (!f.counted) return Output::scalar(Result::fail(Error::value));
    return f.counted(args, counts);
}

}  // namespace kpi
