/**
 * A text cell that a spreadsheet could read as a formula (=, +, -, @, or a tab or carriage return that
 * some programs strip first) is prefixed with an apostrophe, as OWASP advises for CSV injection: names,
 * reasons and references come from imported files, which anyone sending data controls.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
