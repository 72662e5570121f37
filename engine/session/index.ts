/** engine/session: an opened file's views (rows, overview, file map) and the API's number formats. The public surface for hosts. */
export { hex64, hex32, signedHex } from '../base/hex';
