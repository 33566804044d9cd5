/**
 * A spreadsheet reads a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula: a name such as `=HYPERLINK(...)` in an import would run on the reader's machine. Such a
 * cell is written with a leading apostrophe, which spreadsheets show as text and do not display.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
