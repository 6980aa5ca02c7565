import { itemAt } from '../../shared/item-at.ts';
export interface CsvRecord {
  /** The line the record starts on (1-based). */
  line: number;
  fields: string[];
}

/**
 * Records of RFC 4180 CSV (quoted fields may hold commas, quotes as "" and newlines; CRLF or LF;
 * a leading BOM is dropped), each with the line it starts on; blank lines are skipped.
 * Malformed quoting throws the error `fail` makes from a message naming `source` and the line.
 */
export function csvRecords(text: string, source: string, fail: (message: string) => Error): CsvRecord[] {
  text = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw fail(`${source} line ${start}: unterminated quoted field`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const after = text[i];
      if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
        throw fail(`${source} line ${line}: unexpected ${JSON.stringify(after)} after a closing quote`);
      }
    } else if (c === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records.filter((r) => !(r.fields.length === 1 && itemAt(r.fields, 0).trim() === ''));
}
