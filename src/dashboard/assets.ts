// The page's files, served by tierd itself so the dashboard works with no
// network beyond tierd: the HTML, script and stylesheet beside this module's
// source (src/dashboard/assets/, shipped with the sources), and Chart.js
// from the installed chart.js package, read once at first use.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { packageFile } from "../core/package-root.js";

export interface Asset {
  body: Buffer;
  contentType: string;
}

export type AssetName = "dashboard.html" | "login.html" | "app.js" | "app.css" | "chart.umd.min.js";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

const cache = new Map<AssetName, Asset>();

export function assetOf(name: AssetName): Asset {
  let asset = cache.get(name);
  if (asset === undefined) {
    asset = { body: readFileSync(pathOf(name)), contentType: TYPES[name.slice(name.lastIndexOf(".") + 1)]! };
    cache.set(name, asset);
  }
  return asset;
}

function pathOf(name: AssetName): string {
  if (name !== "chart.umd.min.js") return packageFile(join("src", "dashboard", "assets", name));
  // chart.js's exports map names only its module entry points; the UMD
  // bundle (the library, MIT licence header included, in one file) sits
  // beside them in dist/.
  return join(dirname(createRequire(import.meta.url).resolve("chart.js")), name);
}
