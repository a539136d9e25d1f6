/**
 * Who may call what through the gateway: the expose pattern (closed by default), the gateway key,
 * browser origins (CORS and cross-site refusals), plus the URL prefix and the request-size limits.
 */
import { expect } from "chai";
import http from "node:http";
import { GatewayOptionError, startGateway } from "@pyrots/web";
import { type Answer, http as fetchAnswer, post, startBackend, type WebBackend } from "../support/web.js";

/** Sends a raw request with node:http (to control framing) and collects the answer. */
function rawRequest(url: string, options: http.RequestOptions, write: (request: http.ClientRequest) => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, options, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, text }));
    });
    request.on("error", reject);
    write(request);
  });
}

describe("gateway: access, prefix and limits", () => {
  let backend: WebBackend;

  before(async () => {
    backend = await startBackend();
    await backend.register("http.calc", "http-calc");
    await backend.register("Pyro.Fake", "pyro-fake");
  });
  after(() => backend[Symbol.asyncDispose]());

  describe("the expose pattern", () => {
    it("exposes only names starting with http. by default, as Pyro's gateway does", async () => {
      const gateway = await backend.gateway({ expose: undefined });
      expect((await post(gateway, "http.calc", "add", [1, 2])).json).to.equal(3);
      expect((await post(gateway, "example.calc", "add", [1, 2])).status).to.equal(404);
      expect((await post(gateway, "Pyro.NameServer", "list")).status, "the name server itself is not exposed").to.equal(404);
      const names = await fetchAnswer(`${gateway.url}pyro/$names`);
      expect(names.json.names.map((n: { name: string }) => n.name)).to.deep.equal(["http.calc"]);
    });

    it("matches like Python's re.match: anchored at the start only", async () => {
      const gateway = await backend.gateway({ expose: "example|Pyro\\.F" });
      expect((await post(gateway, "example.calc", "add", [1, 2])).status).to.equal(200);
      expect((await post(gateway, "Pyro.Fake", "add", [1, 2])).status).to.equal(200);
      expect((await post(gateway, "http.calc", "add", [1, 2])).status).to.equal(404);
    });

    it("refuses an empty or invalid pattern with a message that says what to do", async () => {
      for (const [expose, message] of [
        ["", 'expose pattern is empty: to expose every name say so with ".*"'],
        ["(", 'expose pattern "(": invalid regex'],
      ]) {
        try {
          await startGateway({ port: 0, host: "127.0.0.1", expose, nameServer: backend.nameServer });
          expect.fail("the gateway started");
        } catch (error) {
          expect(error).to.be.instanceOf(GatewayOptionError);
          expect((error as Error).message).to.satisfy((m: string) => m.startsWith(message));
        }
      }
    });
  });

  describe("the gateway key", () => {
    it("is needed by every API request, in the header or as $key; files need none", async () => {
      const gateway = await backend.gateway({ gatewayKey: "s3cret" });
      const missing = await post(gateway, "example.calc", "add", [1, 2]);
      expect(missing.status).to.equal(403);
      expect(missing.json).to.include({ error: "forbidden", message: "this gateway needs a key: send it in the X-Pyro-Gateway-Key header" });
      const wrong = await post(gateway, "example.calc", "add", [1, 2], {}, { "X-Pyro-Gateway-Key": "s3cret!" });
      expect(wrong.status).to.equal(403);
      expect(wrong.json.message).to.equal("incorrect gateway key");
      expect((await post(gateway, "example.calc", "add", [1, 2], {}, { "X-Pyro-Gateway-Key": "s3cret" })).json).to.equal(3);
      expect((await fetchAnswer(`${gateway.url}pyro/example.calc/add?$key=s3cret&$args=[2,2]`)).json).to.equal(4);
      for (const path of ["pyro/$names", "pyro/$stats", "pyro/example.calc/$meta", "pyro/example.calc/$ping"]) {
        expect((await fetchAnswer(`${gateway.url}${path}`)).status, path).to.equal(403);
      }
      expect((await fetchAnswer(`${gateway.url}pyro/$client.js`)).status).to.equal(200);
      expect((await fetchAnswer(`${gateway.url}console/`)).status).to.equal(200);
    });
  });

  describe("browser origins", () => {
    it("answers CORS preflights for allowed origins only, and marks their answers", async () => {
      const gateway = await backend.gateway({ cors: ["https://app.example"] });
      const preflight = await fetchAnswer(`${gateway.url}pyro/example.calc/add`, {
        method: "OPTIONS",
        headers: {
          Origin: "https://app.example",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type,x-pyro-gateway-key",
        },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get("access-control-allow-origin")).to.equal("https://app.example");
      expect(preflight.headers.get("access-control-allow-methods")).to.equal("GET, POST");
      expect(preflight.headers.get("access-control-allow-headers")).to.include("X-Pyro-Gateway-Key");
      const refused = await fetchAnswer(`${gateway.url}pyro/example.calc/add`, { method: "OPTIONS", headers: { Origin: "https://evil.example" } });
      expect(refused.status).to.equal(403);
      const call = await post(gateway, "example.calc", "add", [1, 2], {}, { Origin: "https://app.example", "Sec-Fetch-Site": "cross-site" });
      expect(call.json).to.equal(3);
      expect(call.headers.get("access-control-allow-origin")).to.equal("https://app.example");
      expect(call.headers.get("access-control-expose-headers")).to.equal("X-Pyro-Correlation-Id");
      const any = await backend.gateway({ cors: "*" });
      const anywhere = await post(any, "example.calc", "add", [1, 2], {}, { Origin: "https://elsewhere.example" });
      expect(anywhere.headers.get("access-control-allow-origin")).to.equal("*");
    });

    it("refuses cross-site requests that CORS does not allow, even those browsers send without asking", async () => {
      const gateway = await backend.gateway();
      const cases: Record<string, string>[] = [
        { Origin: "https://evil.example" },
        { "Sec-Fetch-Site": "cross-site" },
        { "Sec-Fetch-Site": "same-site", Origin: "http://other.localhost" },
      ];
      for (const headers of cases) {
        const answer: Answer = await fetchAnswer(`${gateway.url}pyro/example.calc/add?$args=[1,2]`, { headers });
        expect(answer.status, JSON.stringify(headers)).to.equal(403);
        expect(answer.headers.get("access-control-allow-origin")).to.equal(null);
      }
      const host = new URL(gateway.url).host;
      const allowed: Record<string, string>[] = [
        { Origin: `http://${host}` },
        { "Sec-Fetch-Site": "same-origin", Origin: "https://public.example" },
        { "Sec-Fetch-Site": "none" },
        {},
      ];
      for (const headers of allowed) {
        expect((await fetchAnswer(`${gateway.url}pyro/example.calc/add?$args=[1,2]`, { headers })).json, JSON.stringify(headers)).to.equal(3);
      }
    });
  });

  describe("the URL prefix", () => {
    it("serves everything under the prefix and nothing outside it", async () => {
      const gateway = await backend.gateway({ prefix: "/tools/gw/" });
      expect(gateway.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/tools\/gw\/$/);
      expect((await post(gateway, "example.calc", "add", [1, 2])).json).to.equal(3);
      const origin = new URL(gateway.url).origin;
      expect((await fetchAnswer(`${origin}/pyro/example.calc/add?$args=[1,2]`)).status).to.equal(404);
      for (const path of ["", "pyro/", "console"]) {
        const redirect = await fetchAnswer(`${gateway.url}${path}`);
        expect(redirect.status, path).to.equal(302);
        expect(redirect.headers.get("location")).to.equal("/tools/gw/console/");
      }
      const page = await fetchAnswer(`${gateway.url}console/`);
      expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
      expect(page.headers.get("content-security-policy")).to.include("default-src 'none'");
      // Relative links only, so the page works under any prefix.
      expect(page.text).to.include('src="console.js"').and.include('href="console.css"');
      expect(page.text).not.to.match(/(src|href)="\//);
      const entry = await fetchAnswer(`${gateway.url}pyro/$client.js`);
      expect(entry.headers.get("content-type")).to.equal("text/javascript; charset=utf-8");
      expect(entry.text).to.equal('export * from "./$client/client.js";\n');
      const client = await fetchAnswer(`${gateway.url}pyro/$client/client.js`);
      expect(client.text).to.include("export class GatewayClient");
      expect(client.text, "the browser client imports no Node module").not.to.match(/from "(node:|@pyrots)/);
      const cached = await fetchAnswer(`${gateway.url}pyro/$client/client.js`, { headers: { "If-None-Match": client.headers.get("etag")! } });
      expect(cached.status).to.equal(304);
    });

    it("refuses prefixes a URL path cannot carry as is", async () => {
      for (const prefix of ["/a b", "/../x", "/a//b?"]) {
        try {
          await startGateway({ port: 0, host: "127.0.0.1", prefix, nameServer: backend.nameServer });
          expect.fail(`prefix ${prefix} was accepted`);
        } catch (error) {
          expect(error, prefix).to.be.instanceOf(GatewayOptionError);
        }
      }
    });
  });

  describe("request limits", () => {
    it("answers 413 for a body over the limit, declared or chunked, and closes the connection", async () => {
      const gateway = await backend.gateway({ maxBody: 1000 });
      const url = `${gateway.url}pyro/example.calc/echo`;
      const body = JSON.stringify({ args: ["x".repeat(2000)] });
      const declared = await fetchAnswer(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      expect(declared.status).to.equal(413);
      expect(declared.json).to.include({ error: "too-large", message: "request body larger than 1000 bytes" });
      const chunked = await rawRequest(url, { method: "POST", headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } }, (request) => {
        for (let i = 0; i < 20; i++) request.write("x".repeat(100));
        request.end();
      });
      expect(chunked.status).to.equal(413);
      expect((await post(gateway, "example.calc", "echo", ["small"])).json).to.equal("small");
    });

    it("answers 400 for JSON nested deeper than the limit, before parsing it", async () => {
      const gateway = await backend.gateway({ maxDepth: 8 });
      const deep = (n: number) => `{"args": [${"[".repeat(n)}${"]".repeat(n)}]}`;
      const ok = await fetchAnswer(`${gateway.url}pyro/example.calc/echo`, { method: "POST", headers: { "Content-Type": "application/json" }, body: deep(6) });
      expect(ok.status).to.equal(200);
      const tooDeep = await fetchAnswer(`${gateway.url}pyro/example.calc/echo`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: deep(7),
      });
      expect(tooDeep.status).to.equal(400);
      expect(tooDeep.json.message).to.equal("the JSON body is nested deeper than 8 levels");
      const brackets = await fetchAnswer(`${gateway.url}pyro/example.calc/echo`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: `{"args": ["${"[".repeat(50)}"]}`,
      });
      expect(brackets.json, "brackets inside strings do not count").to.equal("[".repeat(50));
    });

    it("answers 431 for oversized headers and 408 for requests sent too slowly", async () => {
      const gateway = await backend.gateway({ headersTimeout: 0.5, requestTimeout: 1 });
      const big = await rawRequest(`${gateway.url}pyro/example.calc/add`, { headers: { "X-Big": "x".repeat(20_000) } }, (request) => request.end());
      expect(big.status).to.equal(431);
      const slow = await rawRequest(
        `${gateway.url}pyro/example.calc/echo`,
        { method: "POST", headers: { "Content-Type": "application/json", "Content-Length": "100" } },
        (request) => {
          request.write('{"args": [');
        },
      );
      expect(slow.status).to.equal(408);
    });
  });
});
