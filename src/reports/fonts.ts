import path from 'node:path';

/**
 * The one font of every document and chart: Roboto as shipped in the pdfmake package, so that a PDF's
 * text and the text drawn in its charts are the same TTF on every machine, after `npm install` alone.
 */
export const FONT_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');

export const ROBOTO = {
  normal: path.join(FONT_DIR, 'Roboto-Regular.ttf'),
  bold: path.join(FONT_DIR, 'Roboto-Medium.ttf'),
  italics: path.join(FONT_DIR, 'Roboto-Italic.ttf'),
  bolditalics: path.join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
};
