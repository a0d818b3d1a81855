import QRCode from "qrcode";

/**
 * A QR code as one SVG path, drawn here on the server: nothing is fetched from another origin and no
 * markup is injected (the page renders the path with React). `size` is the number of modules a side.
 */
export function qrCodePath(text: string): { size: number; path: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  let path = "";
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) {
      if (modules.get(y, x)) path += `M${x} ${y}h1v1h-1z`;
    }
  }
  return { size: modules.size, path };
}
