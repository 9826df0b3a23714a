// Render a batch of LaTeX formulas to MathML with KaTeX.
// stdin: JSON array of {"latex": str, "display": bool}
// stdout: JSON array of {"mathml": str|null, "error": str|null}, same order.
"use strict";
const katex = require("katex");

function renderOne(item) {
  try {
    const mathml = katex.renderToString(item.latex, {
      output: "mathml",
      displayMode: Boolean(item.display),
      throwOnError: true,
      strict: "ignore",
      trust: false,
    });
    return { mathml: mathml, error: null };
  } catch (err) {
    return { mathml: null, error: String(err && err.message ? err.message : err) };
  }
}

const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const items = JSON.parse(Buffer.concat(chunks).toString("utf8") || "[]");
  process.stdout.write(JSON.stringify(items.map(renderOne)));
});
