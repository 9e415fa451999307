// A small RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes
// and newlines (the benchmark files put whole multiple-choice questions in
// one cell). Enough for data files; no streaming, no dialects.

export class CsvError extends Error {
  override readonly name = "CsvError";
}

/** Rows as objects keyed by the header row. */
export function parseCsv(text: string, source = "CSV"): Record<string, string>[] {
  const rows = parseCsvRows(text, source);
  const header = rows.shift();
  if (header === undefined) return [];
  if (header[0]?.charCodeAt(0) === 0xfeff) header[0] = header[0].slice(1);
  return rows
    .filter((r) => !(r.length === 1 && r[0] === ""))
    .map((r, i) => {
      if (r.length !== header.length) throw new CsvError(`${source}: row ${i + 2} has ${r.length} fields, the header has ${header.length}`);
      const out: Record<string, string> = {};
      header.forEach((name, j) => (out[name] = r[j]!));
      return out;
    });
}

export function parseCsvRows(text: string, source = "CSV"): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\n" || c === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new CsvError(`${source}: unterminated quoted field`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Quotes a field when it needs it. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
