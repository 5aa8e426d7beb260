import { describe, expect, it } from "vitest";
import { groupCode, looksLikeTicket, newNonce, normalizeCode, rosterDigest, sha256Hex } from "./code";

describe("normalizeCode", () => {
  it("upper-cases ASCII letters and drops spaces a scanner or keyboard added", () => {
    expect(normalizeCode("  0zgsns9entj8gfmpp14zj3rbst\n")).toBe("0ZGSNS9ENTJ8GFMPP14ZJ3RBST");
    expect(normalizeCode("0ZGS NS9E")).toBe("0ZGSNS9E");
  });
  it("turns full-width characters from a Chinese input method into ASCII", () => {
    expect(normalizeCode("０ｚｇｓ\u3000ＮＳ９")).toBe("0ZGSNS9");
  });
  it("keeps what is not a ticket as it is, so the core can say what it is", () => {
    expect(normalizeCode("https://weixin.qq.com/r/abc")).toBe("HTTPS://WEIXIN.QQ.COM/R/ABC");
    expect(normalizeCode("王")).toBe("王");
  });
});

describe("looksLikeTicket", () => {
  it("accepts 26 characters of the ticket alphabet only", () => {
    expect(looksLikeTicket("0ZGSNS9ENTJ8GFMPP14ZJ3RBST")).toBe(true);
    expect(looksLikeTicket("0ZGSNS9ENTJ8GFMPP14ZJ3RBS")).toBe(false); // 25
    expect(looksLikeTicket("0ZGSNS9ENTJ8GFMPP14ZJ3RBSI")).toBe(false); // I is not in the alphabet
    expect(looksLikeTicket("134567890123456789")).toBe(false);
  });
});

describe("hashes and nonces", () => {
  it("SHA-256 hex as the roster keeps it", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await rosterDigest(" abc ")).toBe(await sha256Hex("ABC"));
  });
  it("a fresh nonce per scan", () => {
    const a = newNonce();
    expect(a).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(newNonce()).not.toBe(a);
  });
});

describe("groupCode", () => {
  it("groups a code by four for reading, and the door reads it back unchanged", () => {
    const code = "0ZGSNS9ENTJ8GFMPP14ZJ3RBST";
    expect(groupCode(code)).toBe("0ZGS NS9E NTJ8 GFMP P14Z J3RB ST");
    expect(normalizeCode(groupCode(code))).toBe(code);
    expect(groupCode("")).toBe("");
  });
});
