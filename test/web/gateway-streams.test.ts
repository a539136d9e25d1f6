/**
 * Remote iterators through the gateway: NDJSON and server-sent events, failures in-band, and a
 * client that leaves early closing the generator on the daemon.
 */
import { expect } from "chai";
import http from "node:http";
import { backendForSuite, post, seen } from "../support/web.js";
import { waitUntil } from "@pyrots/test-support";

describe("gateway: remote iterators", () => {
  const suite = backendForSuite();

  it("streams a generator as NDJSON lines ending in a done line", async () => {
    const answer = await post(suite.gateway, "example.calc", "ticks", [4]);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get("content-type")).to.equal("application/x-ndjson; charset=utf-8");
    expect(answer.text).to.equal('{"item":0}\n{"item":1}\n{"item":2}\n{"item":3}\n{"done":true,"items":4}\n');
    await waitUntil(() => seen.includes("ticks(4) closed"), 5000, "the generator to finish");
  });

  it("streams as server-sent events when asked ($stream=sse or Accept: text/event-stream)", async () => {
    const viaQuery = await post(suite.gateway, "example.calc", "ticks?$stream=sse", [2]);
    expect(viaQuery.headers.get("content-type")).to.equal("text/event-stream; charset=utf-8");
    expect(viaQuery.text).to.equal('event: item\ndata: 0\n\nevent: item\ndata: 1\n\nevent: done\ndata: {"done":true,"items":2}\n\n');
    const viaAccept = await post(suite.gateway, "example.calc", "ticks", [1], {}, { Accept: "text/event-stream" });
    expect(viaAccept.text).to.equal('event: item\ndata: 0\n\nevent: done\ndata: {"done":true,"items":1}\n\n');
  });

  it("ends with an error line when the generator fails", async () => {
    const answer = await post(suite.gateway, "example.calc", "failing");
    const lines = answer.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0]).to.deep.equal({ item: 1 });
    expect(lines[1].error).to.include({ error: "remote-exception", type: "builtins.ValueError", message: "broken at 2" });
    expect(lines).to.have.length(2);
  });

  it("closes the remote generator when the client goes away", async () => {
    const before = seen.filter((s) => s === "forever closed").length;
    const received = await new Promise<string>((resolve, reject) => {
      const request = http.request(
        `${suite.gateway.url}pyro/example.calc/forever`,
        { method: "POST", headers: { "Content-Type": "application/json" } },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
            if (text.split("\n").length > 20) {
              request.destroy();
              resolve(text);
            }
          });
        },
      );
      request.on("error", (error) => (request.destroyed ? undefined : reject(error)));
      request.end('{"args": []}');
    });
    expect(received.startsWith('{"item":0}\n{"item":1}\n')).to.equal(true);
    await waitUntil(() => seen.filter((s) => s === "forever closed").length === before + 1, 5000, "the endless generator to be closed");
    await waitUntil(() => suite.backend.daemon.stats.streams === 0, 5000, "no streams left on the daemon");
  });
});
