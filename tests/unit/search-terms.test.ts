import { describe, expect, it } from "vitest";
import { searchTerms } from "~/features/directory/search-terms";

describe("a directory search in everyday words", () => {
  it("also looks for the clinical word doctors use: 发烧 finds 发热, rash finds dermatology", () => {
    expect(searchTerms("发烧")).toEqual(["发烧", "发热"]);
    expect(searchTerms("Itchy rash")).toEqual(expect.arrayContaining(["itchy rash", "dermatology", "eczema"]));
    expect(searchTerms("胸痛两天")).toEqual(expect.arrayContaining(["心血管", "冠心病"]));
    expect(searchTerms("失眠")).toContain("睡眠");
  });

  it("matches English everyday words as whole words only", () => {
    expect(searchTerms("kidney stones")).toEqual(["kidney stones"]);
    expect(searchTerms("my kid has a cough")).toContain("paediatrics");
  });

  it("does not widen a search that already names the clinical word (哮喘 holds the everyday 喘)", () => {
    expect(searchTerms("哮喘")).toEqual(["哮喘"]);
    expect(searchTerms("喘不上气")).toContain("哮喘");
  });

  it("is the typed text alone when no everyday word is in it, and nothing for blank input", () => {
    expect(searchTerms("  Li Minghua ")).toEqual(["li minghua"]);
    expect(searchTerms("   ")).toEqual([]);
  });
});
