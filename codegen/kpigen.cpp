// kpigen: writes the files derived from the catalogue (core/src/catalogue/,
// with its words from core/catalogue/texts.toml).
//
//   kpigen idl  TEMPLATE OUT   the UNO interface, from idl/XKpiFunctions.idl.in
//   kpigen json OUT            the catalogue for the Python side: one entry per
//                              function (names, arguments, kinds, shape, texts,
//                              synonyms), in the reference's order
//   kpigen tables OUT          the tables the Python side shares with the core:
//                              spreadsheet errors, families, input kinds
//   kpigen sql OUT             the PostgreSQL extension's script (codegen/sqlgen.cpp)
//   kpigen control VERSION OUT its control file
//
// The reference (docs/functions.md) and the user guide's function tables are written from
// that JSON by codegen/docs.py.
//
// Running it at build time keeps every derived file in step with the table.
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "kpi/catalogue.hpp"
#include "kpi/errors.hpp"
#include "signature.hpp"
#include "sqlgen.hpp"

namespace {

using kpi::ArgInfo;
using kpi::ArgKind;
using kpi::FunctionInfo;

// IDL parameter names become C++ parameter names in the generated headers:
// keep them off both languages' keywords.
// UNO IDL also rejects an underscore before a lower-case letter: snake_case
// names become camelCase (new_customers -> newCustomers).
std::string param_name(std::string_view name) {
    static const char* reserved[] = {"return", "default", "new", "delete", "case", "in", "out",
                                     "any", "type", "module", "interface", "char", "short", "long"};
    for (const char* r : reserved)
        if (name == r) return std::string(name) + "Value";
    std::string out;
    bool upper = false;
    for (char c : name) {
        if (c == '_') { upper = true; continue; }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

// The UNO types of arguments and results: one rule with the glue
// (addin/signature.hpp), which reads the arguments by it.
std::string idl_type(const ArgInfo& a) { return kpiaddin::idl_type(kpiaddin::uno_arg(a)); }
std::string idl_return(const FunctionInfo& f) { return kpiaddin::idl_type(kpiaddin::uno_result(f)); }

std::string methods_idl() {
    std::ostringstream o;
    for (const FunctionInfo& f : kpi::catalogue()) {
        if (f.args.size() > kpiaddin::kMaxUnoArgs) {
            std::cerr << "kpigen: " << f.name << " has " << f.args.size() << " arguments; the glue takes "
                      << kpiaddin::kMaxUnoArgs << " at most (addin/signature.hpp)\n";
            return {};
        }
        o << "    /// " << f.name << ": " << f.definition.en << "\n";
        o << "    " << idl_return(f) << " " << f.method << "(";
        for (std::size_t i = 0; i < f.args.size(); ++i)
            o << (i ? ", " : "") << "[in] " << idl_type(f.args[i]) << " " << param_name(f.args[i].name);
        o << ");\n";
    }
    return o.str();
}

std::string kind_name(ArgKind k) {
    switch (k) {
        case ArgKind::amount: return "amount";
        case ArgKind::number: return "number";
        case ArgKind::flag: return "flag";
        case ArgKind::range: return "range";
        case ArgKind::name: return "name";
        case ArgKind::column: return "column";
    }
    return "";
}

std::string json_str(std::string_view s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (c == '\n') { o += "\\n"; continue; }
        o += c;
    }
    return o + "\"";
}

std::string json_text(const kpi::Text& t) {
    return "{\"en\": " + json_str(t.en) + ", \"fr\": " + json_str(t.fr) + "}";
}

std::string json_list(const std::vector<std::string_view>& xs) {
    std::string o = "[";
    for (std::size_t i = 0; i < xs.size(); ++i) o += (i ? ", " : "") + json_str(xs[i]);
    return o + "]";
}

std::string json_words(const kpi::Words& w) {
    return "{\"en\": " + json_list(w.en) + ", \"fr\": " + json_list(w.fr) + "}";
}

std::string json() {
    std::ostringstream o;
    o << "[\n";
    bool first = true;
    for (const FunctionInfo& f : kpi::catalogue()) {
        o << (first ? "" : ",\n") << "  {\"method\": " << json_str(f.method) << ", \"name\": " << json_str(f.name)
          << ", \"family\": " << json_str(f.family) << ", \"shape\": " << json_str(kpi::shape_name(f.shape))
          << ", \"scale\": " << f.scale
          << ", \"array\": " << (f.returns != kpi::Returns::number ? "true" : "false")
          << ", \"description\": " << json_text(f.description)
          << ", \"example\": " << json_str(f.example) << ", \"example_result\": " << json_str(f.example_result)
          << ", \"definition\": " << json_text(f.definition) << ", \"source\": " << json_text(f.source)
          << ", \"unit\": " << json_text(f.unit) << ", \"div0\": " << json_text(f.div0)
          << ", \"domain\": " << json_text(f.domain) << ", \"note\": " << json_text(f.note)
          << ", \"synonyms\": " << json_words(f.synonyms) << ", \"above_one\": " << json_str(f.above_one)
          << ", \"args\": [";
        for (std::size_t i = 0; i < f.args.size(); ++i) {
            const ArgInfo& a = f.args[i];
            o << (i ? ", " : "") << "{\"name\": " << json_str(a.name) << ", \"optional\": " << (a.optional ? "true" : "false")
              << ", \"kind\": " << json_str(kind_name(a.kind)) << ", \"fallback\": " << a.fallback
              << ", \"display\": " << json_text(a.display) << ", \"description\": " << json_text(a.description) << "}";
        }
        o << "]}";
        first = false;
    }
    o << "\n]\n";
    return o.str();
}

// Tables the Python side needs besides the functions: the spreadsheet
// errors (names and Calc's numbers), the families, the input kinds.
std::string tables() {
    std::ostringstream o;
    o << "{\n  \"errors\": [";
    bool first = true;
    for (const kpi::SpreadsheetError& e : kpi::spreadsheet_errors()) {
        o << (first ? "\n" : ",\n") << "    {\"name\": " << json_str(e.name) << ", \"calc_code\": " << e.calc_code
          << ", \"from_core\": " << (e.kind == kpi::Error::none ? "false" : "true") << ", \"why\": " << json_str(e.why)
          << "}";
        first = false;
    }
    o << "\n  ],\n  \"families\": [";
    first = true;
    std::string_view last;
    for (const FunctionInfo& f : kpi::catalogue()) {
        if (f.family == last) continue;
        last = f.family;
        o << (first ? "\n" : ",\n") << "    {\"family\": " << json_str(f.family)
          << ", \"name\": " << json_text(kpi::family_name(f.family)) << "}";
        first = false;
    }
    o << "\n  ],\n  \"inputs\": [";
    first = true;
    for (const kpi::InputKind& k : kpi::input_kinds()) {
        o << (first ? "\n" : ",\n") << "    {\"kind\": " << json_str(k.kind) << ", \"words\": " << json_words(k.words)
          << ", \"args\": " << json_list(k.args) << ", \"count\": " << (k.count ? "true" : "false")
          << ", \"within\": {\"error\": " << json_list(k.within_error) << ", \"warning\": " << json_list(k.within_warning)
          << "}}";
        first = false;
    }
    o << "\n  ]\n}\n";
    return o.str();
}

bool write(const std::string& path, const std::string& text) {
    // Write only on change, so that a rebuild does not recompile the add-in.
    std::ifstream in(path, std::ios::binary);
    std::stringstream old;
    old << in.rdbuf();
    if (in && old.str() == text) return true;
    std::ofstream out(path, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "idl" && argc == 4) {
        std::ifstream in(argv[2]);
        std::stringstream t;
        t << in.rdbuf();
        std::string text = t.str();
        const std::string marker = "@METHODS@";
        const auto pos = text.find(marker);
        if (!in || pos == std::string::npos) {
            std::cerr << "kpigen: cannot read " << argv[2] << " or it has no " << marker << "\n";
            return 1;
        }
        const std::string methods = methods_idl();
        if (methods.empty()) return 1;
        text.replace(pos, marker.size(), methods);
        return write(argv[3], text) ? 0 : 1;
    }
    if (mode == "json" && argc == 3) return write(argv[2], json()) ? 0 : 1;
    if (mode == "tables" && argc == 3) return write(argv[2], tables()) ? 0 : 1;
    if (mode == "sql" && argc == 3) return write(argv[2], kpigen_sql()) ? 0 : 1;
    if (mode == "control" && argc == 4) return write(argv[3], kpigen_control(argv[2])) ? 0 : 1;
    std::cerr << "usage: kpigen idl TEMPLATE OUT | json OUT | tables OUT | sql OUT | control VERSION OUT\n";
    return 2;
}
