/**
 * Call context with real Python Pyro4 on the other side, both directions, per serializer:
 * request annotations and the correlation id (`CORR`) reach the method, and response annotations
 * set there reach the caller.
 */
import { expect } from "chai";
import { Daemon, Proxy, type Remote, currentContext, expose, withOptions } from "@pyrots/core";
import { PYRO4, PYTHON_PYROS, SERIALIZERS, type PythonDaemon, describeInterop, pythonLabel } from "../support/python.js";
import { type Results, runFeatureClient, startFeatureDaemon, valueOf } from "./feature-support.js";

/** The correlation id both sides use (features_client.py has the same). */
const CORRELATION = "0123456789abcdef0123456789abcdef";
const CORRELATION_UUID = "01234567-89ab-cdef-0123-456789abcdef";

interface Seen {
  address: string;
  correlation: string | null;
  xtra: string | null;
  keys: string[];
}

@expose
class Inspector {
  whoAmI(): Seen {
    const ctx = currentContext();
    ctx.responseAnnotations.set("RPLY", Buffer.from("from pyrots"));
    const xtra = ctx.annotations.get("XTRA");
    return {
      address: ctx.client.address,
      correlation: ctx.correlationId ? Buffer.from(ctx.correlationId).toString("hex") : null,
      xtra: xtra ? Buffer.from(xtra).toString() : null,
      keys: [...ctx.annotations.keys()].sort(),
    };
  }
}

/** The Python daemon's Inspector. */
interface PyInspectorApi {
  who_am_i(): { correlation: string; annotations: Record<string, string>; corr_annotation: string | null };
}

for (const pyro of PYTHON_PYROS)
  for (const serializer of SERIALIZERS) {
    describeInterop(
      `Python ${pyro.name} client's call context against a pyrots daemon (${pythonLabel(pyro, serializer)})`,
      function () {
        let daemon: Daemon | undefined;
        let results: Results;

        before(async function () {
          this.timeout(60_000);
          daemon = await Daemon.create({ host: "127.0.0.1" });
          daemon.register(Inspector, "interop.inspector");
          results = await runFeatureClient(daemon.locationStr, serializer, ["context"], {}, pyro);
        });
        after(async () => {
          await daemon?.shutdown();
        });

        interface Annotated {
          seen: Seen;
          hook: Record<string, string>;
          context_response: Record<string, string>;
          response_corr: string | null;
          annotations_after: Record<string, string>;
        }

        it("current_context.annotations and correlation_id reach currentContext() in the TS method", () => {
          const { seen } = valueOf<Annotated>(results, "context.annotated");
          expect(seen.address).to.match(/^127\.0\.0\.1:\d+$/);
          expect(seen.correlation).to.equal(CORRELATION);
          expect(seen.xtra).to.equal("from python");
          expect(seen.keys).to.deep.equal(["CORR", "XTRA"]);
        });

        if (pyro === PYRO4) {
          it("a response annotation set in TS reaches current_context.response_annotations and the _pyroResponseAnnotations hook, with the CORR echoed", () => {
            const outcome = valueOf<Annotated>(results, "context.annotated");
            expect(outcome.context_response).to.deep.equal({ RPLY: "from pyrots" });
            expect(outcome.hook).to.deep.equal({ RPLY: "from pyrots" });
            expect(outcome.response_corr).to.equal(CORRELATION);
          });
        } else {
          it("a response annotation set in TS reaches current_context.response_annotations (the correlation id travels in Pyro5's header, not as an annotation)", () => {
            const outcome = valueOf<Annotated>(results, "context.annotated");
            expect(outcome.context_response).to.deep.equal({ RPLY: "from pyrots" });
            expect(outcome.hook).to.equal(null);
            expect(outcome.response_corr).to.equal(null);
          });
        }

        if (pyro === PYRO4) {
          it("Pyro4 clears the request annotations after a call but keeps the correlation id", () => {
            expect(valueOf<Annotated>(results, "context.annotated").annotations_after).to.deep.equal({});
            const next = valueOf<Seen>(results, "context.next_call");
            expect(next.xtra).to.equal(null);
            expect(next.correlation).to.equal(CORRELATION);
            expect(next.keys).to.deep.equal(["CORR"]);
          });
        } else {
          it("Pyro5 keeps the request annotations and the correlation id for the next call", () => {
            expect(valueOf<Annotated>(results, "context.annotated").annotations_after).to.deep.equal({ XTRA: "from python" });
            const next = valueOf<Seen>(results, "context.next_call");
            expect(next.xtra).to.equal("from python");
            expect(next.correlation).to.equal(CORRELATION);
            expect(next.keys).to.deep.equal(["CORR", "XTRA"]);
          });
        }
      },
      pyro,
    );

    describeInterop(
      `pyrots client's call context against a Python ${pyro.name} daemon (${pythonLabel(pyro, serializer)})`,
      function () {
        let python: PythonDaemon | undefined;
        let inspector: Remote<PyInspectorApi>;

        before(async function () {
          this.timeout(30_000);
          python = await startFeatureDaemon(serializer, {}, pyro);
          inspector = new Proxy<PyInspectorApi>(python.uris.inspector!, { serializer });
        });
        after(async () => {
          await inspector?.[Symbol.asyncDispose]();
          await python?.stop();
        });

        it("withOptions annotations and correlationId reach Python's current_context; its response annotations reach onAnnotations", async () => {
          const replies: ReadonlyMap<string, Uint8Array>[] = [];
          const seen = await withOptions(inspector, {
            annotations: { XTRA: "from TS" },
            correlationId: CORRELATION,
            onAnnotations: (annotations) => replies.push(annotations),
          }).who_am_i();
          // Pyro5 carries the correlation id in its header: its daemon sees no CORR annotation.
          const corrAnnotation = pyro === PYRO4 ? CORRELATION : null;
          expect(seen).to.deep.equal({ correlation: CORRELATION_UUID, annotations: { XTRA: "from TS" }, corr_annotation: corrAnnotation });
          expect(replies).to.have.length(1);
          expect(Buffer.from(replies[0]!.get("RPLY")!).toString()).to.equal("from python");
          expect(Buffer.from(replies[0]!.get("CORR")!).toString("hex")).to.equal(CORRELATION);
        });

        it("a plain call through the same proxy sends no annotations, and Python makes a fresh correlation id", async () => {
          const seen = await inspector.who_am_i();
          expect(seen.annotations).to.deep.equal({});
          expect(seen.corr_annotation).to.equal(null);
          expect(seen.correlation)
            .to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/)
            .and.not.equal(CORRELATION_UUID);
        });
      },
      pyro,
    );
  }
