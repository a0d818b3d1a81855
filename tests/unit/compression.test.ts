import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { precompress, preferredEncoding } from "~/server/compression.server";

describe("the encoding a browser gets", () => {
  it("is brotli when the browser accepts it, gzip when it accepts only gzip (Chromium over plain HTTP)", () => {
    expect(preferredEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(preferredEncoding("gzip, deflate")).toBe("gzip");
    expect(preferredEncoding("GZIP")).toBe("gzip");
  });

  it("is none for a client that asks for none, or only for what we do not serve", () => {
    expect(preferredEncoding(undefined)).toBeNull();
    expect(preferredEncoding("")).toBeNull();
    expect(preferredEncoding("identity")).toBeNull();
    expect(preferredEncoding("deflate")).toBeNull();
  });

  it("respects q=0 as a refusal, and takes * as gzip", () => {
    expect(preferredEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(preferredEncoding("br;q=0, gzip;q=0")).toBeNull();
    expect(preferredEncoding("*")).toBe("gzip");
  });
});

describe("a static file compressed at start", () => {
  const script = Buffer.from(`export const messages = ${JSON.stringify(Array.from({ length: 300 }, (_, i) => `message ${i}`))};`);

  it("keeps a brotli and a gzip form of a script, each decoding to the file itself and smaller", () => {
    const forms = precompress(script, "text/javascript; charset=utf-8");
    expect(brotliDecompressSync(forms.br!).equals(script)).toBe(true);
    expect(gunzipSync(forms.gzip!).equals(script)).toBe(true);
    expect(forms.br!.length).toBeLessThan(script.length / 3);
    expect(forms.gzip!.length).toBeLessThan(script.length / 3);
  });

  it("keeps no compressed form of an image that is already compressed, or where compressing would not make it smaller", () => {
    expect(precompress(script, "image/png")).toEqual({});
    expect(precompress(Buffer.from("body{}"), "text/css; charset=utf-8")).toEqual({});
    // A small chunk still gains.
    const small = Buffer.from(`import{a as b}from"/build/_shared/chunk-ABC.js";${"var x=b(function(){return 1});".repeat(20)}`);
    expect(small.length).toBeLessThan(1024);
    expect(precompress(small, "text/javascript; charset=utf-8").gzip!.length).toBeLessThan(small.length / 2);
  });
});
