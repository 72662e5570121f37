/** The format select (SVG, PNG, PDF) of an export menu, and the PNG scale when PNG is chosen. */
import { PNG_SCALES, type PngScale } from './raster';

export type ExportFileFormat = 'svg' | 'png' | 'pdf';

export function FormatPicker({
  format,
  scale,
  onFormat,
  onScale,
  testIdPrefix,
}: {
  format: ExportFileFormat;
  scale: PngScale;
  onFormat: (f: ExportFileFormat) => void;
  onScale: (s: PngScale) => void;
  /** data-testid prefix: `${prefix}-format`, `${prefix}-scale`. */
  testIdPrefix: string;
}) {
  return (
    <>
      <label>
        <span className="muted">Format</span>
        <select value={format} onChange={(e) => onFormat(e.target.value as ExportFileFormat)} data-testid={`${testIdPrefix}-format`}>
          <option value="svg">SVG</option>
          <option value="png">PNG</option>
          <option value="pdf">PDF</option>
        </select>
      </label>
      {format === 'png' && (
        <label>
          <span className="muted">Scale</span>
          <select value={scale} onChange={(e) => onScale(Number(e.target.value) as PngScale)} data-testid={`${testIdPrefix}-scale`}>
            {PNG_SCALES.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}
