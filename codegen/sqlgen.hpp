// kpigen's PostgreSQL modes (codegen/sqlgen.cpp).
#pragma once

#include <string>

std::string kpigen_sql();                                 // kpi--VERSION.sql
std::string kpigen_control(const std::string& version);  // kpi.control
