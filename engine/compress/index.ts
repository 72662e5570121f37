/** Entry point of engine/compress. */
export { detectCompression, type Compression } from './detect';
export { decompress, type ProgressFn, type DecompressOptions } from './decompress';
export { MAX_DECOMPRESSED } from './sink';
