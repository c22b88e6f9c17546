// Runs the reference page's search script (its <script> block, read from
// stdin as JSON {script, articles: [{id, search}], queries: [...]}) against a
// minimal stand-in for the page's DOM, and prints, for each query, the ids of
// the articles left visible. Used by test_reference.py when node is present.
const input = JSON.parse(require("fs").readFileSync(0, "utf-8"));
function el(attrs) {
  return { hidden: false, attrs, getAttribute(k) { return this.attrs[k]; }, textContent: "" };
}
const articles = input.articles.map(a => Object.assign(el({ "data-search": a.search }), { id: a.id }));
const items = {};
articles.forEach(a => { items[a.id] = el({}); });
const q = Object.assign(el({}), { value: "", listeners: [], addEventListener(t, f) { this.listeners.push(f); } });
const byId = { q, count: el({}), none: el({}) };
const document = {
  getElementById: id => byId[id],
  querySelectorAll: sel => sel === "article.fn" ? articles : [],
  querySelector: sel => { const m = sel.match(/data-key="([^"]+)"/); return m ? items[m[1]] : null; },
};
const location = { hash: "" };
new Function("document", "location", input.script)(document, location);
const out = {};
for (const query of input.queries) {
  q.value = query;
  q.listeners.forEach(f => f());
  out[query] = articles.filter(a => !a.hidden).map(a => a.id);
}
console.log(JSON.stringify(out));
