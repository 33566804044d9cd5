import { createCanvas, loadImage } from '@napi-rs/canvas';
import { renderLineChart } from '../../src/reports/chart';

describe('renderLineChart', () => {
  it('draws a PNG of the requested size with the series in colour', async () => {
    const png = renderLineChart({
      title: 'Attendance rate',
      labels: ['w1', 'w2', 'w3', 'w4'],
      series: [{ label: 'rate', data: [0.9, 0.8, null, 0.85] }],
      percent: true,
      width: 400,
      height: 200,
    });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const img = await loadImage(png);
    expect([img.width, img.height]).toEqual([400, 200]);
    const canvas = createCanvas(400, 200);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, 400, 200).data;
    let blue = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] < 80 && pixels[i + 1] > 90 && pixels[i + 1] < 140 && pixels[i + 2] > 150) blue++;
    }
    // the line of the first series (#1d70b8) is drawn
    expect(blue).toBeGreaterThan(50);
  });
});
