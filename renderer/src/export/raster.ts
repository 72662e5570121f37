/** An SVG document rasterised to PNG through an <img> and a canvas, at 1×, 2× or 4× its CSS size. */
import type { SvgImage } from './svgExport';

export const PNG_SCALES = [1, 2, 4] as const;
export type PngScale = (typeof PNG_SCALES)[number];

/** Chromium's canvas limit is about 268 M pixels; stay well under it. */
const MAX_PIXELS = 120_000_000;

export async function svgToPng(img: SvgImage, scale: PngScale): Promise<Blob> {
  const width = Math.round(img.width * scale);
  const height = Math.round(img.height * scale);
  if (width * height > MAX_PIXELS) throw new Error(`PNG of ${width}×${height} pixels is too large; choose a smaller scale`);
  const url = URL.createObjectURL(new Blob([img.text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const el = new Image(width, height);
    el.src = url;
    await el.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.drawImage(el, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/png'));
    if (!blob) throw new Error('the canvas produced no PNG');
    return blob;
  } finally {
    URL.revokeObjectURL(url);
  }
}
