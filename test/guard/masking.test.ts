import { describe, expect, it } from "vitest";
import { SecretMasker } from "../../src/guard/masking.js";

const masker = new SecretMasker([/ACME-[0-9A-F]{8}/g]);

describe("SecretMasker", () => {
  it.each([
    ["aws AKIAIOSFODNN7EXAMPLE used", "aws **** used"],
    ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = ****"],
    ["push with ghp_0123456789abcdefghijABCDEFGHIJ012345", "push with ****"],
    ["github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "****"],
    ["gitlab glpat-abcdefghij0123456789", "gitlab ****"],
    ["curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'", "curl -H 'Authorization: Bearer ****'"],
    ["login password=hunter2 ok", "login password=**** ok"],
    ['{"token": "s3cr3t-value"}', '{"token": "****"}'],
    [
      "clone https://bot:p4ssw0rd@git.example.com/repo.git",
      "clone https://bot:****@git.example.com/repo.git",
    ],
    ["id ACME-0123ABCD here", "id **** here"],
  ])("masks %j", (text, expected) => {
    expect(masker.mask(text)).toBe(expected);
  });

  it("masks a whole private key block", () => {
    const text = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\ndone";
    expect(masker.mask(text)).toBe("key:\n****\ndone");
  });

  it("leaves ordinary log lines alone", () => {
    const text = "[INFO] Building api 1.2.3\nTests run: 120, Failures: 2\nhttps://ci.example.com/job/x/";
    expect(masker.mask(text)).toBe(text);
  });
});
