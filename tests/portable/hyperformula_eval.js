// Recalculates a workbook with HyperFormula (a third, independent engine, from npm).
// Input (file named by argv[2]): {"sheets": {"Sheet name": [[cell, ...], ...]},
// "names": {"Name": "Sheet!$A$1:$A$9"}}, a cell being a number, a string, a
// boolean, null, or "=formula" (Excel syntax, as stored in an .xlsx).
// Output (stdout): {"Sheet name": [[value, ...]]}; an error as {"error": "#DIV/0!"}.
// useArrayArithmetic: ranges inside SUMPRODUCT are arrays, as in Excel.
const fs = require("fs");
const { HyperFormula } = require("hyperformula");
const book = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const names = Object.entries(book.names).map(([name, ref]) => ({ name, expression: "=" + ref }));
const hf = HyperFormula.buildFromSheets(book.sheets, { licenseKey: "gpl-v3", useArrayArithmetic: true }, names);
const out = {};
for (const name of Object.keys(book.sheets)) {
  out[name] = hf.getSheetValues(hf.getSheetId(name)).map((row) => row.map((v) =>
    v !== null && typeof v === "object" ? { error: v.value } : v));
}
process.stdout.write(JSON.stringify(out));
